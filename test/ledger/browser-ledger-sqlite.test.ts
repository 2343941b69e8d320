import { runBrowserLedgerContract } from "./browser-ledger-contract";
import { openTestSqlite } from "../db/support";

runBrowserLedgerContract("sqlite", openTestSqlite);
