import { runIngestWritesContract } from "./ingest-writes-contract";
import { openTestPostgres } from "./support";

runIngestWritesContract("postgres", openTestPostgres);
