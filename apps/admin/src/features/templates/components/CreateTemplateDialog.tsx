import { getTemplatesListQueryKey, type TemplateContentDto, useTemplatesCreate } from '@itinera/sdk';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Radio, RadioGroup } from 'react-aria-components';
import { useNavigate } from 'react-router-dom';
import { CheckboxField, TextField } from '../../../components/fields';
import { notify } from '../../../components/toast';
import { Button, Dialog, ErrorNotice } from '../../../components/ui';
import { EMAIL_STARTERS } from '../model/starters';
import { blankBlock, CHANNEL_LABELS, TEMPLATE_CHANNELS, type TemplateChannel } from '../model/template-content';

/** A template key from its name: "Trial ending (day 3)" → "trial-ending-day-3". */
export function keyFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);
}

const KEY_PATTERN = /^[a-z0-9]+([_-][a-z0-9]+)*$/;

export function CreateTemplateDialog({ isOpen, onOpenChange }: { isOpen: boolean; onOpenChange: (open: boolean) => void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [key, setKey] = useState('');
  const [keyEdited, setKeyEdited] = useState(false);
  const [channels, setChannels] = useState<TemplateChannel[]>(['email']);
  const [starter, setStarter] = useState(EMAIL_STARTERS[0].id);
  const [touched, setTouched] = useState(false);
  const create = useTemplatesCreate({
    mutation: { onSettled: () => queryClient.invalidateQueries({ queryKey: getTemplatesListQueryKey() }) },
  });
  const effectiveKey = keyEdited ? key : keyFromName(name);
  const nameProblem = touched && !name.trim() ? 'Give the template a name.' : null;
  const keyProblem =
    touched && !KEY_PATTERN.test(effectiveKey) ? 'Lower-case letters and digits, separated by - or _ (for example trial-ending).' : null;
  const channelProblem = touched && channels.length === 0 ? 'Choose at least one channel.' : null;

  function submit(event?: FormEvent) {
    event?.preventDefault();
    setTouched(true);
    if (!name.trim() || !KEY_PATTERN.test(effectiveKey) || channels.length === 0) return;
    const mjml = EMAIL_STARTERS.find((s) => s.id === starter)?.mjml ?? EMAIL_STARTERS[0].mjml;
    const content: TemplateContentDto = Object.fromEntries(channels.map((c) => [c, blankBlock(c, mjml)]));
    create.mutate(
      { data: { key: effectiveKey, name: name.trim(), content } },
      {
        onSuccess: (template) => {
          notify(`Created “${template.name}”`);
          onOpenChange(false);
          navigate(`/templates/${template.key}`);
        },
      },
    );
  }

  return (
    <Dialog
      title="New template"
      isOpen={isOpen}
      onOpenChange={onOpenChange}
      size="lg"
      footer={
        <>
          <Button onPress={() => onOpenChange(false)}>Cancel</Button>
          <Button variant="primary" onPress={() => submit()} isDisabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create template'}
          </Button>
        </>
      }
    >
      <form className="stack" onSubmit={submit}>
        <TextField label="Name" value={name} onChange={setName} autoFocus error={nameProblem} placeholder="Trial ending" />
        <TextField
          label="Key"
          value={effectiveKey}
          onChange={(value) => {
            setKeyEdited(true);
            setKey(value);
          }}
          monospace
          error={keyProblem}
          description="What journeys and POST /send name the template by. It cannot change later."
        />
        <fieldset className="checkbox-row">
          <legend className="field__label">Channels</legend>
          {TEMPLATE_CHANNELS.map((c) => (
            <CheckboxField
              key={c}
              label={CHANNEL_LABELS[c]}
              value={channels.includes(c)}
              onChange={(on) => setChannels((list) => (on ? [...list, c] : list.filter((x) => x !== c)))}
            />
          ))}
          {channelProblem && <p className="field__error">{channelProblem}</p>}
        </fieldset>
        {channels.includes('email') && (
          <RadioGroup value={starter} onChange={setStarter} className="starter-grid" aria-label="E-mail layout">
            {EMAIL_STARTERS.map((s) => (
              <Radio key={s.id} value={s.id} className="starter">
                <strong>{s.name}</strong>
                <span className="muted">{s.description}</span>
              </Radio>
            ))}
          </RadioGroup>
        )}
        {create.isError && <ErrorNotice title="The template could not be created." error={create.error} />}
      </form>
    </Dialog>
  );
}
