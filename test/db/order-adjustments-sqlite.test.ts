import { runOrderAdjustmentsContract } from "./order-adjustments-contract.ts";
import { openTestSqlite } from "./support.ts";

runOrderAdjustmentsContract("sqlite", openTestSqlite);
