import { startCluster } from './pgCluster';

/**
 * jest's globalSetup: one PostgreSQL cluster for the whole run, its URL in EDZ_TEST_PG_URL for the
 * workers (they inherit the environment). A URL already set is a server the caller provides.
 */
export default async function setup(): Promise<void> {
  if (process.env.EDZ_TEST_PG_URL) return;
  const cluster = await startCluster();
  process.env.EDZ_TEST_PG_URL = cluster.url;
  process.env.EDZ_TEST_PG_CLUSTER = JSON.stringify(cluster);
}
