import { runDestinationPausesContract } from "./destination-pauses-contract";
import { openTestPostgres } from "./support";

runDestinationPausesContract("postgres", openTestPostgres);
