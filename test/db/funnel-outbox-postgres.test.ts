import { runFunnelOutboxContract } from "./funnel-outbox-contract";
import { openTestPostgres } from "./support";

runFunnelOutboxContract("postgres", openTestPostgres);
