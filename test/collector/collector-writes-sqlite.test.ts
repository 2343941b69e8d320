import { openTestSqlite } from "../db/support.ts";
import { runCollectorWritesContract } from "./collector-writes-contract.ts";

runCollectorWritesContract("sqlite", openTestSqlite);
