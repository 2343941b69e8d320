import { runStorageContract } from "./storage-contract.ts";
import { openTestSqlite } from "./support.ts";

runStorageContract("sqlite", openTestSqlite);
