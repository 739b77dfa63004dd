import { CheckboxField, SelectField, TextField } from '../../../components/fields';
import { Badge, Button } from '../../../components/ui';
import type { FormProblems, FormValues, SchemaForm } from '../model/schema-form';

/** The fields of a plugin's configSchema; secret fields are write-only ("set", "replace"). */
export function SchemaFields({
  form,
  values,
  onChange,
  problems,
  secretsSet,
  replacing,
  onReplace,
  readOnly,
}: {
  form: SchemaForm;
  values: FormValues;
  onChange: (values: FormValues) => void;
  problems: FormProblems | null;
  secretsSet: string[];
  replacing: string[];
  onReplace: (name: string) => void;
  readOnly: boolean;
}) {
  const set = (name: string, value: string | boolean) => onChange({ ...values, [name]: value });
  return (
    <div className="schema-fields">
      {form.fields.map((field) => {
        const label = `${field.label}${field.required ? '' : ' (optional)'}`;
        const error = problems?.byField[field.name] ?? null;
        switch (field.control) {
          case 'boolean':
            return (
              <div key={field.name} className="field">
                <CheckboxField
                  label={field.label}
                  value={values[field.name] === true}
                  onChange={(v) => set(field.name, v)}
                  isDisabled={readOnly}
                />
                {field.description && <span className="field__description">{field.description}</span>}
              </div>
            );
          case 'select':
            return (
              <SelectField
                key={field.name}
                label={label}
                description={field.description}
                value={String(values[field.name] ?? '') || null}
                onChange={(v) => set(field.name, v)}
                options={(field.options ?? []).map((o) => ({ id: o, label: o }))}
                isDisabled={readOnly}
                error={error}
              />
            );
          case 'secret': {
            const stored = secretsSet.includes(field.name);
            if (stored && !replacing.includes(field.name)) {
              return (
                <div key={field.name} className="field">
                  <span className="field__label">{field.label}</span>
                  <div className="cell-stack">
                    <Badge tone="success">Set</Badge>
                    <span className="muted">Stored encrypted; it is never shown again.</span>
                    {!readOnly && (
                      <Button size="sm" onPress={() => onReplace(field.name)} aria-label={`Replace ${field.label}`}>
                        Replace
                      </Button>
                    )}
                  </div>
                </div>
              );
            }
            return (
              <TextField
                key={field.name}
                label={label}
                description={
                  field.description ??
                  (stored ? 'Type the new value; leave empty to keep the stored one.' : 'Stored encrypted; it is never shown again.')
                }
                value={String(values[field.name] ?? '')}
                onChange={(v) => set(field.name, v)}
                type="password"
                isReadOnly={readOnly}
                error={error}
              />
            );
          }
          default:
            return (
              <TextField
                key={field.name}
                label={label}
                description={
                  field.control === 'list'
                    ? `${field.description ? `${field.description} ` : ''}Separate items with commas.`
                    : field.description
                }
                value={String(values[field.name] ?? '')}
                onChange={(v) => set(field.name, v)}
                placeholder={field.placeholder}
                isReadOnly={readOnly}
                error={error}
              />
            );
        }
      })}
      {problems?.general.map((message) => (
        <p key={message} className="field__error" role="alert">
          {message}
        </p>
      ))}
    </div>
  );
}
