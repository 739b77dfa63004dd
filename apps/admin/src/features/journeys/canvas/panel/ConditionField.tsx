import type { Condition } from '@itinera/journey-model';
import { useMemo, useState } from 'react';
import { type FieldSelectorProps, type FullField, QueryBuilder, type RuleGroupType } from 'react-querybuilder';
import { ComboField } from '../../../../components/fields';
import { Button } from '../../../../components/ui';
import { CONDITION_OPERATORS, isVisuallyEditable, toCondition, toQuery } from '../model/conditions';
import { fieldLabel } from '../model/summaries';
import { JsonField } from './widgets';
import type { ContextField } from './seen-fields';

const TRANSLATIONS = {
  addRule: { label: '+ Condition', title: 'Add a condition' },
  addGroup: { label: '+ Group', title: 'Add a group of conditions' },
  removeRule: { label: '×', title: 'Remove this condition' },
  removeGroup: { label: '×', title: 'Remove this group' },
};

/** The field of a rule: any path, with the fields the workspace has seen as suggestions. */
function FieldPicker({ value, handleOnChange, options }: FieldSelectorProps) {
  const suggestions = useMemo(
    () => (options as FullField[]).map((option) => ({ id: option.name, label: option.name, description: option.label })),
    [options],
  );
  return (
    <ComboField
      label="Field"
      className="qb-field"
      value={value ?? ''}
      onChange={handleOnChange}
      options={suggestions}
      placeholder="event.properties.plan"
    />
  );
}

export interface ConditionFieldProps {
  label: string;
  description?: string;
  value: Condition | undefined;
  onChange: (condition: Condition | undefined) => void;
  fields: ContextField[];
  isReadOnly?: boolean;
}

/**
 * A visual JSON Logic builder (react-querybuilder): rules on the fields this workspace has seen,
 * groups with and/or. What the builder cannot show is edited as JSON.
 */
export function ConditionField({ label, description, value, onChange, fields, isReadOnly }: ConditionFieldProps) {
  const [query, setQuery] = useState<RuleGroupType>(() => toQuery(value));
  const [asJson, setAsJson] = useState(() => !isVisuallyEditable(value));
  const rqbFields = useMemo(
    () => fields.map((field) => ({ name: field.path, label: `${field.group} · ${fieldLabel(field.path)}` })),
    [fields],
  );

  return (
    <fieldset className="condition" disabled={isReadOnly}>
      <legend className="field__label">{label}</legend>
      {description && <p className="field__description">{description}</p>}
      {asJson ? (
        <JsonField
          label={`${label} (JSON Logic)`}
          value={value}
          onChange={(next) => onChange(next as Condition | undefined)}
          isReadOnly={isReadOnly}
        />
      ) : (
        <QueryBuilder
          fields={rqbFields}
          query={query}
          onQueryChange={(next) => {
            setQuery(next);
            onChange(toCondition(next));
          }}
          operators={CONDITION_OPERATORS.map((operator) => ({ name: operator.name, label: operator.label }))}
          controlElements={{ fieldSelector: FieldPicker }}
          translations={TRANSLATIONS}
          getDefaultField={() => ''}
          autoSelectField={false}
          resetOnFieldChange={false}
          disabled={isReadOnly}
        />
      )}
      {!isReadOnly && (
        <Button
          size="sm"
          variant="ghost"
          onPress={() => {
            if (asJson && isVisuallyEditable(value)) setQuery(toQuery(value));
            setAsJson(!asJson || !isVisuallyEditable(value));
          }}
        >
          {asJson ? 'Edit visually' : 'Edit as JSON'}
        </Button>
      )}
    </fieldset>
  );
}
