import { openTestSqlite } from "../db/support";
import { runCollectorWritesContract } from "./collector-writes-contract";

runCollectorWritesContract("sqlite", openTestSqlite);
