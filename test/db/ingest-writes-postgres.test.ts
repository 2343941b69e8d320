import { runIngestWritesContract } from "./ingest-writes-contract.ts";
import { openTestPostgres } from "./support.ts";

runIngestWritesContract("postgres", openTestPostgres);
