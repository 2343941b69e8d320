import { runDeliveryReadsContract } from "./delivery-reads-contract.ts";
import { openTestPostgres } from "./support.ts";

runDeliveryReadsContract("postgres", openTestPostgres);
