import { runAlertLogContract } from "./alert-log-contract.ts";
import { openTestSqlite } from "./support.ts";

runAlertLogContract("sqlite", openTestSqlite);
