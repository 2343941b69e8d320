import { runIngestWritesContract } from "./ingest-writes-contract.ts";
import { openTestSqlite } from "./support.ts";

runIngestWritesContract("sqlite", openTestSqlite);
