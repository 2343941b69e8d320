import { runAlertLogContract } from "./alert-log-contract.ts";
import { openTestPostgres } from "./support.ts";

runAlertLogContract("postgres", openTestPostgres);
