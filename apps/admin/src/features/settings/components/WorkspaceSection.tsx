import { getAuthMeQueryKey, getWorkspacesGetQueryKey, inboxAdminSigningKey, useWorkspacesGet, workspacesUpdate } from '@itinera/sdk';
import { Copy, Eye } from 'lucide-react';
import { useState } from 'react';
import { Card } from '../../../components/Card';
import { ComboField, TextField } from '../../../components/fields';
import { notify } from '../../../components/toast';
import { Button, ErrorNotice, Spinner } from '../../../components/ui';
import { COMMON_LOCALES, parseDefaultLocale } from '../model/default-locale';
import { useAction } from './useAction';

const TIME_ZONES = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];

/** The workspace's name, default time zone and locale, and the in-app inbox signing key. */
export function WorkspaceSection({ isOwner }: { isOwner: boolean }) {
  const workspace = useWorkspacesGet();
  if (workspace.isPending) return <Spinner label="Loading the workspace…" />;
  if (workspace.isError)
    return <ErrorNotice title="The workspace could not be loaded." error={workspace.error} onRetry={() => void workspace.refetch()} />;
  return (
    <WorkspaceForm
      name={workspace.data.name}
      defaultTimezone={workspace.data.defaultTimezone}
      defaultLocale={workspace.data.defaultLocale}
      auditRetentionDays={workspace.data.auditRetentionDays}
      isOwner={isOwner}
    />
  );
}

function WorkspaceForm({
  name: storedName,
  defaultTimezone,
  defaultLocale,
  auditRetentionDays,
  isOwner,
}: {
  name: string;
  defaultTimezone: string;
  defaultLocale: string | null;
  auditRetentionDays: number;
  isOwner: boolean;
}) {
  const action = useAction();
  const [name, setName] = useState(storedName);
  const [zone, setZone] = useState(defaultTimezone);
  const [localeText, setLocaleText] = useState(defaultLocale ?? '');
  const locale = parseDefaultLocale(localeText);
  const [retentionText, setRetentionText] = useState(String(auditRetentionDays));
  const retention = /^\d{1,4}$/.test(retentionText.trim()) ? Number(retentionText.trim()) : NaN;
  const retentionValid = retention >= 1 && retention <= 3650;
  const [signingKey, setSigningKey] = useState<string | null>(null);
  const zoneValid = TIME_ZONES.includes(zone) || zone === 'UTC';
  return (
    <div className="stack">
      <Card title="Workspace" description="Its name, and the time zone and locale of people whose own are unknown.">
        <div className="form-grid">
          <TextField
            label="Name"
            value={name}
            onChange={setName}
            isReadOnly={!isOwner}
            error={name.trim() ? null : 'The workspace needs a name.'}
          />
          <ComboField
            label="Default time zone"
            value={zone}
            onChange={setZone}
            options={TIME_ZONES.map((z) => ({ id: z, label: z }))}
            isDisabled={!isOwner}
            error={zoneValid ? null : 'Choose an IANA time zone, such as Europe/Paris.'}
            description="Delays until a time of day and quiet hours use it."
          />
          <ComboField
            label="Default locale (optional)"
            value={localeText}
            onChange={setLocaleText}
            options={COMMON_LOCALES.map((l) => ({ id: l, label: l }))}
            isDisabled={!isOwner}
            placeholder="none"
            error={'problem' in locale ? locale.problem : null}
            description="Messages use a template's variant in this locale when the profile has no locale; empty: the default content."
          />
          <TextField
            label="Keep audit log entries for (days)"
            value={retentionText}
            onChange={setRetentionText}
            isReadOnly={!isOwner}
            error={retentionValid ? null : 'A number of days from 1 to 3650.'}
            description="Older entries of the audit log are removed every hour."
          />
        </div>
        {Boolean(action.error) && <ErrorNotice title="The workspace was not saved." error={action.error} />}
        {isOwner ? (
          <Button
            variant="primary"
            className="align-start"
            isDisabled={!name.trim() || !zoneValid || 'problem' in locale || !retentionValid || action.busy}
            onPress={() =>
              void action
                .run(
                  () =>
                    workspacesUpdate({
                      name: name.trim(),
                      defaultTimezone: zone,
                      defaultLocale: 'locale' in locale ? locale.locale : null,
                    }),
                  { refresh: [getWorkspacesGetQueryKey(), getAuthMeQueryKey()], success: 'Saved the workspace' },
                )
                // Shown back as stored (canonical: pt-br → pt-BR).
                .then((saved) => saved && setLocaleText(saved.defaultLocale ?? ''))
            }
          >
            Save
          </Button>
        ) : (
          <p className="muted">Only owners of the workspace can change it.</p>
        )}
      </Card>
      <Card
        title="In-app inbox signing key"
        description="Your backend signs each user's inbox token with it: token = hex(HMAC-SHA256(key, userId)). Keep it on your servers."
      >
        {!isOwner ? (
          <p className="muted">Only owners can see the signing key.</p>
        ) : signingKey ? (
          <div className="secret-box">
            <code data-testid="signing-key">{signingKey}</code>
            <Button size="sm" onPress={() => void navigator.clipboard.writeText(signingKey).then(() => notify('Copied the signing key'))}>
              <Copy size={14} aria-hidden /> Copy
            </Button>
          </div>
        ) : (
          <Button
            size="sm"
            className="align-start"
            onPress={() => void action.run(() => inboxAdminSigningKey()).then((result) => result && setSigningKey(result.signingKey))}
          >
            <Eye size={14} aria-hidden /> Show the signing key
          </Button>
        )}
      </Card>
    </div>
  );
}
