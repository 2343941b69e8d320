import { runOrderAdjustmentsContract } from "./order-adjustments-contract";
import { openTestPostgres } from "./support";

runOrderAdjustmentsContract("postgres", openTestPostgres);
