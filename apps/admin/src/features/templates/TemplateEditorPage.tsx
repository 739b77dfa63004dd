import {
  ApiError,
  type PreviewTemplateDto,
  type TemplateDto,
  useJourneysList,
  useProfilesGet,
  useProfilesList,
  useTemplatesGet,
} from '@itinera/sdk';
import { AlertCircle, ArrowLeft, History, Languages, Plus, Send, Trash2, Upload } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Menu, MenuItem, MenuTrigger, Popover, Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import { Link, useParams } from 'react-router-dom';
import { SelectField } from '../../components/fields';
import { dateTime, timeAgo } from '../../components/format';
import { Badge, Button, ErrorNotice, Spinner } from '../../components/ui';
import { useSession } from '../auth/useSession';
import { ChannelFields } from './components/ChannelFields';
import { InsertionProvider } from './components/insertion';
import { ChannelPreview } from './components/Previews';
import { SamplePanel } from './components/SamplePanel';
import { parseSample, type SampleInput } from './model/template-sample';
import { AddLocaleDialog, PublishTemplateDialog, TemplateVersionsDrawer, TestSendDialog } from './components/TemplateDialogs';
import { TemplateStatus } from './components/TemplateStatus';
import { VariablesPanel } from './components/VariablesPanel';
import { type SaveState, useTemplateDraft } from './hooks/useTemplateDraft';
import { useLivePreview } from './hooks/useLivePreview';
import { EMAIL_STARTERS } from './model/starters';
import {
  addChannel,
  addLocale,
  CHANNEL_LABELS,
  channelsOf,
  localeFallbacks,
  localesOf,
  removeChannel,
  removeLocale,
  TEMPLATE_CHANNELS,
  type TemplateChannel,
} from './model/template-content';
import { describeFieldProblem, hasProblemsUnder, type TemplateProblems } from './model/template-problems';
import { templateVariables, triggerEvents } from './model/template-variables';
import './templates.css';

const SAVE_LABELS: Record<SaveState, string> = {
  saved: 'Draft saved',
  unsaved: 'Unsaved changes',
  saving: 'Saving…',
  invalid: 'Not saved: fix the errors',
  failed: 'Not saved: retrying on the next change',
};

export function TemplateEditorPage() {
  const { key = '' } = useParams();
  const template = useTemplatesGet(key, {
    query: { retry: (count, error) => !(error instanceof ApiError && error.status === 404) && count < 2 },
  });
  if (template.isPending) return <Spinner label="Loading the template…" />;
  if (template.isError) {
    const missing = template.error instanceof ApiError && template.error.status === 404;
    return (
      <>
        <title>Template · Itinera</title>
        <header className="page-header">
          <h1>{missing ? 'Template not found' : 'Template'}</h1>
        </header>
        {missing ? (
          <section className="empty-state">
            <p>There is no template “{key}” in this workspace. It may have been deleted.</p>
            <Link className="button" to="/templates">
              Go to templates
            </Link>
          </section>
        ) : (
          <ErrorNotice title="The template could not be loaded." error={template.error} onRetry={() => void template.refetch()} />
        )}
      </>
    );
  }
  return (
    <InsertionProvider>
      <TemplateEditor key={template.data.key} template={template.data} />
    </InsertionProvider>
  );
}

function TemplateEditor({ template }: { template: TemplateDto }) {
  const { data: session } = useSession();
  const readOnly = session?.role === 'viewer';
  const draft = useTemplateDraft(template);
  const content = draft.content;
  const channels = channelsOf(content);
  const locales = localesOf(content);
  const [selected, setSelected] = useState<TemplateChannel | null>(channels[0] ?? null);
  const channel = selected && channels.includes(selected) ? selected : (channels[0] ?? null);
  const [chosenLocale, setLocale] = useState<string | null>(null);
  const locale = chosenLocale && locales.includes(chosenLocale) ? chosenLocale : null;
  const [sample, setSample] = useState<SampleInput>({ profileMode: 'user', userId: '', profileText: '', eventText: '', dataText: '{}' });
  const [sampleTouched, setSampleTouched] = useState(false);
  const [sideTab, setSideTab] = useState<'preview' | 'sample' | 'variables'>('preview');
  const [dialog, setDialog] = useState<'locale' | 'publish' | 'versions' | 'test' | null>(null);

  const journeys = useJourneysList({ query: { staleTime: 60_000 } });
  const firstProfile = useProfilesList({ limit: 1 }, { query: { staleTime: 60_000, enabled: !sampleTouched } });
  const madeUp = sample.profileMode === 'inline';
  const userId = sampleTouched ? sample.userId.trim() : (firstProfile.data?.data[0]?.userId ?? '');
  const sampleProfile = useProfilesGet(userId, { query: { enabled: userId !== '', retry: false, staleTime: 30_000 } });
  const parsed = parseSample({ ...sample, userId });
  const triggers = useMemo(() => triggerEvents(journeys.data ?? [], template.key), [journeys.data, template.key]);

  const previewBody: PreviewTemplateDto | null = channel
    ? {
        channel,
        content,
        locale,
        ...(madeUp ? { profile: parsed.profile } : { userId: sampleProfile.isSuccess ? parsed.userId : undefined }),
        event: parsed.event,
        data: parsed.data,
      }
    : null;
  const preview = useLivePreview(template.key, previewBody);
  const problems: TemplateProblems = preview.problems && preview.problems.fields.length > 0 ? preview.problems : draft.problems;

  const variables = useMemo(
    () =>
      templateVariables({
        templateKey: template.key,
        profile: madeUp ? parsed.profile : sampleProfile.data,
        event: parsed.event,
        data: parsed.data,
        journeys: journeys.data,
      }),
    // parsed is recomputed each render; its JSON inputs are what matter.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [template.key, madeUp, sampleProfile.data, sample.profileText, sample.eventText, sample.dataText, journeys.data],
  );
  const variablePaths = useMemo(() => variables.map((v) => v.path), [variables]);
  const fallbacks = locale ? localeFallbacks(content, locale) : [];
  const translated = fallbacks.filter((f) => f.source.from === 'locale' && f.source.locale === locale).length;

  const addChannelTab = (added: TemplateChannel) => {
    draft.setContent(addChannel(content, added, EMAIL_STARTERS[0].mjml));
    setSelected(added);
  };

  const updateSample = (next: SampleInput) => {
    setSampleTouched(true);
    setSample(next);
  };

  return (
    <div className="template-editor">
      <title>{`${template.name} · Templates · Itinera`}</title>
      <header className="template-editor__header">
        <div className="template-editor__title">
          <Link to="/templates" className="back-link">
            <ArrowLeft size={14} aria-hidden /> Templates
          </Link>
          <div className="cell-stack">
            <h1>{template.name}</h1>
            <code className="key-chip">{template.key}</code>
            <TemplateStatus publishedVersion={template.publishedVersion} hasUnpublishedChanges={template.hasUnpublishedChanges} />
          </div>
          <p className="muted template-editor__meta">
            Draft edited <span title={dateTime(template.draftUpdatedAt)}>{timeAgo(template.draftUpdatedAt)}</span>
            {template.published && (
              <>
                {' '}
                · v{template.published.version} published {timeAgo(template.published.publishedAt)}
              </>
            )}
          </p>
        </div>
        <div className="toolbar">
          {!readOnly && (
            <span className={`save-state save-state--${draft.state}`} data-testid="template-save-state" role="status">
              {draft.state === 'invalid' && <AlertCircle size={14} aria-hidden />}
              {SAVE_LABELS[draft.state]}
            </span>
          )}
          {readOnly && <Badge tone="neutral">Read-only</Badge>}
          <Button onPress={() => setDialog('versions')}>
            <History size={16} aria-hidden /> Versions
          </Button>
          {!readOnly && (
            <>
              <Button onPress={() => setDialog('test')} isDisabled={channels.length === 0}>
                <Send size={16} aria-hidden /> Test send
              </Button>
              <Button
                variant="primary"
                onPress={() => setDialog('publish')}
                isDisabled={channels.length === 0 || draft.state === 'invalid'}
              >
                <Upload size={16} aria-hidden /> Publish
              </Button>
            </>
          )}
        </div>
      </header>

      <div className="template-editor__variant">
        <SelectField
          label="Variant"
          value={locale ?? 'default'}
          onChange={(id) => setLocale(id === 'default' ? null : id)}
          options={[{ id: 'default', label: 'Default content' }, ...locales.map((l) => ({ id: l, label: `Locale: ${l}` }))]}
          className="field--inline"
        />
        {!readOnly && (
          <Button onPress={() => setDialog('locale')}>
            <Languages size={16} aria-hidden /> Add locale
          </Button>
        )}
        {locale && !readOnly && (
          <Button
            variant="ghost"
            onPress={() => {
              draft.setContent(removeLocale(content, locale));
              setLocale(null);
            }}
          >
            <Trash2 size={16} aria-hidden /> Remove {locale}
          </Button>
        )}
        {locale && (
          <p className="muted" data-testid="locale-fallback-summary">
            {translated} of {fallbacks.length} fields translated; the others fall back (to the language, then the default content).
          </p>
        )}
      </div>

      {problems.general && <ErrorNotice title="The draft could not be checked." error={problems.general} />}

      {channels.length === 0 ? (
        <section className="empty-state">
          <h2>No channel yet</h2>
          <p>A template has content for one or more channels: e-mail, SMS, push, chat, in-app or a webhook.</p>
          {!readOnly && <AddChannelMenu existing={channels} onAdd={addChannelTab} />}
        </section>
      ) : (
        <Tabs selectedKey={channel} onSelectionChange={(k) => setSelected(k as TemplateChannel)} className="template-editor__tabs">
          <div className="template-editor__tabbar">
            <TabList aria-label="Channels" className="tabs__list">
              {channels.map((c) => (
                <Tab key={c} id={c} className="tabs__tab">
                  {CHANNEL_LABELS[c]}
                  {hasProblemsUnder(problems, locale ? `content.locales.${locale}.${c}` : `content.${c}`) && (
                    <span className="tab-error" aria-label="has errors" role="img">
                      <AlertCircle size={12} aria-hidden />
                    </span>
                  )}
                </Tab>
              ))}
            </TabList>
            {!readOnly && <AddChannelMenu existing={channels} onAdd={addChannelTab} />}
          </div>
          {channels.map((c) => (
            <TabPanel key={c} id={c} className="template-editor__panel">
              <div className="editor-split">
                <section className="editor-split__fields" aria-label={`${CHANNEL_LABELS[c]} content`}>
                  <ChannelFields
                    channel={c}
                    content={content}
                    onChange={draft.setContent}
                    locale={locale}
                    problems={problems}
                    readOnly={readOnly}
                    variables={variablePaths}
                  />
                  {!readOnly && !locale && (
                    <Button
                      variant="ghost"
                      size="sm"
                      className="remove-channel"
                      onPress={() => draft.setContent(removeChannel(content, c))}
                    >
                      <Trash2 size={14} aria-hidden /> Remove the {CHANNEL_LABELS[c]} channel
                    </Button>
                  )}
                </section>
                <aside className="editor-split__side" aria-label="Preview and sample data">
                  <Tabs selectedKey={sideTab} onSelectionChange={(k) => setSideTab(k as typeof sideTab)}>
                    <TabList aria-label="Preview, sample and variables" className="tabs__list">
                      <Tab id="preview" className="tabs__tab">
                        Preview
                      </Tab>
                      <Tab id="sample" className="tabs__tab">
                        Sample data
                      </Tab>
                      <Tab id="variables" className="tabs__tab">
                        Variables
                      </Tab>
                    </TabList>
                    <TabPanel id="preview" className="tabs__panel">
                      <PreviewPane
                        channel={c}
                        rendered={preview.rendered?.channel === c ? preview.rendered : undefined}
                        problems={preview.problems}
                        updating={preview.isUpdating}
                        userId={!madeUp && sampleProfile.isSuccess ? userId : ''}
                        madeUp={madeUp}
                        sampleProblems={parsed.problems}
                      />
                    </TabPanel>
                    <TabPanel id="sample" className="tabs__panel">
                      <SamplePanel
                        sample={{ ...sample, userId }}
                        onChange={updateSample}
                        triggerEvents={triggers}
                        chosenProfile={sampleProfile.data}
                      />
                    </TabPanel>
                    <TabPanel id="variables" className="tabs__panel">
                      <VariablesPanel variables={variables} readOnly={readOnly} />
                    </TabPanel>
                  </Tabs>
                </aside>
              </div>
            </TabPanel>
          ))}
        </Tabs>
      )}

      <AddLocaleDialog
        isOpen={dialog === 'locale'}
        onOpenChange={(open) => setDialog(open ? 'locale' : null)}
        content={content}
        onAdd={(added) => {
          draft.setContent(addLocale(content, added));
          setLocale(added);
        }}
      />
      <PublishTemplateDialog
        isOpen={dialog === 'publish'}
        onOpenChange={(open) => setDialog(open ? 'publish' : null)}
        template={template}
        beforePublish={draft.flush}
      />
      <TemplateVersionsDrawer
        isOpen={dialog === 'versions'}
        onOpenChange={(open) => setDialog(open ? 'versions' : null)}
        template={template}
        readOnly={readOnly}
        onRestore={(restored) => draft.setContent(restored)}
      />
      {dialog === 'test' && (
        <TestSendDialog
          isOpen
          onOpenChange={(open) => setDialog(open ? 'test' : null)}
          template={template}
          channels={channels}
          defaultUserId={userId}
          data={parsed.data}
          beforeSend={draft.flush}
        />
      )}
    </div>
  );
}

function AddChannelMenu({ existing, onAdd }: { existing: TemplateChannel[]; onAdd: (channel: TemplateChannel) => void }) {
  const missing = TEMPLATE_CHANNELS.filter((c) => !existing.includes(c));
  if (missing.length === 0) return null;
  return (
    <MenuTrigger>
      <Button size="sm" variant="ghost">
        <Plus size={14} aria-hidden /> Add channel
      </Button>
      <Popover className="popover" placement="bottom start">
        <Menu className="menu" aria-label="Channels to add" onAction={(id) => onAdd(id as TemplateChannel)}>
          {missing.map((c) => (
            <MenuItem key={c} id={c} className="menu__item">
              {CHANNEL_LABELS[c]}
            </MenuItem>
          ))}
        </Menu>
      </Popover>
    </MenuTrigger>
  );
}

function PreviewPane({
  channel,
  rendered,
  problems,
  updating,
  userId,
  madeUp,
  sampleProblems,
}: {
  channel: TemplateChannel;
  rendered: Parameters<typeof ChannelPreview>[0]['rendered'] | undefined;
  problems: TemplateProblems | null;
  updating: boolean;
  userId: string;
  madeUp: boolean;
  sampleProblems: string[];
}) {
  return (
    <div className="preview-pane" data-testid="preview-pane" aria-busy={updating}>
      <p className="muted preview-pane__for">
        {madeUp ? (
          'Rendered for the made-up profile under Sample data.'
        ) : userId ? (
          <>
            Rendered for <Link to={`/profiles/${encodeURIComponent(userId)}`}>{userId}</Link>
          </>
        ) : (
          'Rendered with an empty profile: choose one under Sample data.'
        )}
        {rendered?.locale && <> · locale {rendered.locale}</>}
        {updating && <span className="preview-pane__updating"> · updating…</span>}
      </p>
      {sampleProblems.length > 0 && <p className="notice notice--warning">{sampleProblems.join(' · ')}</p>}
      {problems && (problems.general || problems.fields.length > 0) && (
        <div className="notice notice--danger" role="alert" data-testid="preview-problems">
          <strong>
            {rendered ? 'The latest change does not render; the last good preview is shown.' : 'The content does not render.'}
          </strong>
          <ul>
            {problems.general && <li>{problems.general}</li>}
            {problems.fields.map((p) => (
              <li key={p.field}>
                <code>{p.field.replace(/^content\./, '')}</code> {describeFieldProblem(p)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {rendered ? <ChannelPreview channel={channel} rendered={rendered} /> : !problems && <Spinner label="Rendering…" />}
    </div>
  );
}
