import { runDestinationPausesContract } from "./destination-pauses-contract.ts";
import { openTestSqlite } from "./support.ts";

runDestinationPausesContract("sqlite", openTestSqlite);
