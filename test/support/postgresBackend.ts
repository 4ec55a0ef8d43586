// The postgres project's setup file: the storage suites' databases are on the run's cluster (backends.ts).
process.env.EDZ_TEST_BACKEND = 'postgres';
