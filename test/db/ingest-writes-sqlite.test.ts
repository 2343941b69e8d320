import { runIngestWritesContract } from "./ingest-writes-contract";
import { openTestSqlite } from "./support";

runIngestWritesContract("sqlite", openTestSqlite);
