import { useState, type FormEvent } from "react";
import { Button, InlineStack, Select, TextField } from "@shopify/polaris";
import type { ActivityFilterForm } from "../admin/activity.server";
import { ALL_EVENTS, SHOPPER_EVENTS } from "../admin/activity-events";
import { ALL_DELIVERY_STATUSES } from "../db/outbox-types";
import { STATUS_WORDS } from "../admin/words";
import { FUNNEL_EVENT_LABELS } from "../admin/funnel-event-words";
import { FUNNEL_EVENT_NAMES } from "../tracking/funnel-events";

// Purchases first: what a merchant opens Activity for; the shopper events are one choice away (decision 0031).
const EVENT_OPTIONS = [
  { label: "Purchases", value: "" },
  { label: "Shopper events", value: SHOPPER_EVENTS },
  ...FUNNEL_EVENT_NAMES.map((name) => ({ label: `Shopper events: ${FUNNEL_EVENT_LABELS[name].toLowerCase()}`, value: name })),
  { label: "All events", value: ALL_EVENTS },
];

export const EMPTY_ACTIVITY_FILTERS: ActivityFilterForm = { status: "", order: "", from: "", to: "", events: "" };

const STATUS_OPTIONS = [{ label: "All statuses", value: "" }, ...ALL_DELIVERY_STATUSES.map((status) => ({ label: STATUS_WORDS[status].label, value: status }))];

/** Search by order, events, status, and a day range (days in the shop's time zone). The selects apply at once. */
export function ActivityFilters(props: { initial: ActivityFilterForm; loading: boolean; onApply: (filters: ActivityFilterForm) => void }) {
  const [form, setForm] = useState(props.initial);
  const set = (key: keyof ActivityFilterForm) => (value: string) => setForm((current) => ({ ...current, [key]: value }));
  // A select applies at once: the new filters go to the page as well as into the form.
  const applyNow = (key: keyof ActivityFilterForm) => (value: string) => {
    const next = { ...form, [key]: value };
    setForm(next);
    props.onApply(next);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onApply(form);
  };
  const filtered = Object.values(props.initial).some((value) => value !== "");
  return (
    <form onSubmit={submit} role="search" aria-label="Filter activity">
      <InlineStack gap="300" blockAlign="end" wrap>
        <div style={{ flex: "1 1 200px" }}>
          <TextField label="Order" name="order" placeholder="#1001 or order id" value={form.order} onChange={set("order")} autoComplete="off" clearButton onClearButtonClick={() => set("order")("")} />
        </div>
        <div style={{ flex: "1 1 200px" }}>
          <Select
            label="Events"
            name="events"
            options={EVENT_OPTIONS}
            value={form.events}
            onChange={applyNow("events")}
          />
        </div>
        <div style={{ flex: "1 1 160px" }}>
          <Select
            label="Status"
            name="status"
            options={STATUS_OPTIONS}
            value={form.status}
            onChange={applyNow("status")}
          />
        </div>
        <div style={{ flex: "1 1 150px" }}>
          <TextField label="From" name="from" type="date" value={form.from} onChange={set("from")} autoComplete="off" />
        </div>
        <div style={{ flex: "1 1 150px" }}>
          <TextField label="To" name="to" type="date" value={form.to} onChange={set("to")} autoComplete="off" />
        </div>
        <InlineStack gap="200">
          <Button submit variant="primary" loading={props.loading}>
            Apply
          </Button>
          {filtered ? (
            <Button
              onClick={() => {
                setForm(EMPTY_ACTIVITY_FILTERS);
                props.onApply(EMPTY_ACTIVITY_FILTERS);
              }}
            >
              Clear
            </Button>
          ) : null}
        </InlineStack>
      </InlineStack>
    </form>
  );
}
