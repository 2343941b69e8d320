import { runBrowserLedgerContract } from "./browser-ledger-contract";
import { openTestPostgres } from "../db/support";

runBrowserLedgerContract("postgres", openTestPostgres);
