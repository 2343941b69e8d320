import { runAlertLogContract } from "./alert-log-contract";
import { openTestSqlite } from "./support";

runAlertLogContract("sqlite", openTestSqlite);
