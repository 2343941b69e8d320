import { runDestinationPausesContract } from "./destination-pauses-contract.ts";
import { openTestPostgres } from "./support.ts";

runDestinationPausesContract("postgres", openTestPostgres);
