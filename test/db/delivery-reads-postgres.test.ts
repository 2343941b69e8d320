import { runDeliveryReadsContract } from "./delivery-reads-contract";
import { openTestPostgres } from "./support";

runDeliveryReadsContract("postgres", openTestPostgres);
