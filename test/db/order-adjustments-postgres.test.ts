import { runOrderAdjustmentsContract } from "./order-adjustments-contract.ts";
import { openTestPostgres } from "./support.ts";

runOrderAdjustmentsContract("postgres", openTestPostgres);
