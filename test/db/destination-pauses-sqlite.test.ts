import { runDestinationPausesContract } from "./destination-pauses-contract";
import { openTestSqlite } from "./support";

runDestinationPausesContract("sqlite", openTestSqlite);
