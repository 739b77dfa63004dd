import { Braces, Search } from 'lucide-react';
import { useMemo, useState } from 'react';
import { TextField } from '../../../components/fields';
import { notify } from '../../../components/toast';
import type { TemplateVariable, VariableGroup } from '../model/template-variables';
import { useInsertion } from './insertion';

const GROUPS: VariableGroup[] = ['Profile', 'Account', 'Event', 'Data', 'Run', 'Links'];

/** The variables a template can use; a click inserts `{{ variable }}` where the cursor was in the last field used. */
export function VariablesPanel({ variables, readOnly }: { variables: TemplateVariable[]; readOnly: boolean }) {
  const { target, insert } = useInsertion();
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return variables.filter((v) => !needle || v.path.toLowerCase().includes(needle));
  }, [variables, filter]);

  return (
    <div className="variables-panel">
      <p className="muted variables-panel__target" aria-live="polite">
        {readOnly
          ? 'Read-only: variables cannot be inserted.'
          : target
            ? `Inserts into: ${target.label}`
            : 'Click into a field, then pick a variable to insert it there.'}
      </p>
      <div className="filters__search">
        <Search size={16} aria-hidden className="filters__icon" />
        <TextField
          label="Filter variables"
          value={filter}
          onChange={setFilter}
          type="search"
          className="field--inline"
          placeholder="traits, event…"
        />
      </div>
      {GROUPS.map((group) => {
        const items = shown.filter((v) => v.group === group);
        if (items.length === 0) return null;
        return (
          <section key={group} className="variables-panel__group" aria-label={`${group} variables`}>
            <h3 className="variables-panel__heading">{group}</h3>
            <ul className="variables-panel__list">
              {items.map((variable) => (
                <li key={variable.path}>
                  <button
                    type="button"
                    className="variable-chip"
                    disabled={readOnly}
                    onMouseDown={(event) => event.preventDefault()}
                    onClick={() => {
                      if (!insert(`{{ ${variable.path} }}`))
                        notify('Click into a field first', { tone: 'info', description: 'The variable is inserted where the cursor is.' });
                    }}
                    title={variable.hint ? `From ${variable.hint}` : undefined}
                  >
                    <Braces size={12} aria-hidden />
                    <span>{variable.path}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
