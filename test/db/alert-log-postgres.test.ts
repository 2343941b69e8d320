import { runAlertLogContract } from "./alert-log-contract";
import { openTestPostgres } from "./support";

runAlertLogContract("postgres", openTestPostgres);
