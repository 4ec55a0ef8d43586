import { type PgCluster, removeCluster } from './pgCluster';

/** jest's globalTeardown: stops the cluster pgSetup started and removes its directory. */
export default function teardown(): void {
  const cluster = process.env.EDZ_TEST_PG_CLUSTER;
  if (cluster) removeCluster(JSON.parse(cluster) as PgCluster);
}
