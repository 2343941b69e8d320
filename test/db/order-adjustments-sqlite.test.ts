import { runOrderAdjustmentsContract } from "./order-adjustments-contract";
import { openTestSqlite } from "./support";

runOrderAdjustmentsContract("sqlite", openTestSqlite);
