import { useState, type FormEvent } from "react";
import { Button, InlineStack, Select, TextField } from "@shopify/polaris";
import type { ActivityFilterForm } from "../admin/activity.server";
import { ALL_DELIVERY_STATUSES } from "../db/outbox-types";
import { STATUS_WORDS } from "../admin/words";

const STATUS_OPTIONS = [{ label: "All statuses", value: "" }, ...ALL_DELIVERY_STATUSES.map((status) => ({ label: STATUS_WORDS[status].label, value: status }))];

/** Search by order, status, and a day range (days in the shop's time zone). The status applies at once. */
export function ActivityFilters(props: { initial: ActivityFilterForm; loading: boolean; onApply: (filters: ActivityFilterForm) => void }) {
  const [form, setForm] = useState(props.initial);
  const set = (key: keyof ActivityFilterForm) => (value: string) => setForm((current) => ({ ...current, [key]: value }));
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
        <div style={{ flex: "1 1 160px" }}>
          <Select
            label="Status"
            name="status"
            options={STATUS_OPTIONS}
            value={form.status}
            onChange={(status) => {
              const next = { ...form, status };
              setForm(next);
              props.onApply(next);
            }}
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
                const empty = { status: "", order: "", from: "", to: "" };
                setForm(empty);
                props.onApply(empty);
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
