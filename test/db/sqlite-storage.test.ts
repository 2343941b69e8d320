import { runStorageContract } from "./storage-contract";
import { openTestSqlite } from "./support";

runStorageContract("sqlite", openTestSqlite);
