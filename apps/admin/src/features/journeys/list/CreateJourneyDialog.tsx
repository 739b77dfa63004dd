import { getJourneysListQueryKey, useJourneysCreate } from '@itinera/sdk';
import { useQueryClient } from '@tanstack/react-query';
import { FilePlus2 } from 'lucide-react';
import { useState } from 'react';
import { Radio, RadioGroup } from 'react-aria-components';
import { useNavigate } from 'react-router-dom';
import { TextField } from '../../../components/fields';
import { Button, Dialog } from '../../../components/ui';
import { BLANK, STARTERS } from './starters';

/** New journey: a name, then a blank canvas or one of the starters. */
export function CreateJourneyDialog({ isOpen, onOpenChange }: { isOpen: boolean; onOpenChange: (open: boolean) => void }) {
  const [name, setName] = useState('');
  const [starter, setStarter] = useState('blank');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useJourneysCreate({
    mutation: { onSettled: () => queryClient.invalidateQueries({ queryKey: getJourneysListQueryKey() }) },
  });

  function submit() {
    const chosen = STARTERS.find((s) => s.id === starter);
    const definition = chosen?.definition ?? BLANK;
    const description = chosen?.description;
    create.mutate(
      { data: { name: name.trim(), ...(description ? { description } : {}), definition: { ...definition } as never } },
      {
        onSuccess: (journey) => {
          onOpenChange(false);
          setName('');
          navigate(`/journeys/${journey.id}`);
        },
      },
    );
  }

  return (
    <Dialog
      title="New journey"
      isOpen={isOpen}
      onOpenChange={onOpenChange}
      size="lg"
      footer={
        <>
          <Button onPress={() => onOpenChange(false)}>Cancel</Button>
          <Button variant="primary" onPress={submit} isDisabled={!name.trim() || create.isPending}>
            {create.isPending ? 'Creating…' : 'Create journey'}
          </Button>
        </>
      }
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (name.trim()) submit();
        }}
        className="stack"
      >
        <TextField
          label="Name"
          value={name}
          onChange={setName}
          autoFocus
          placeholder="Trial onboarding"
          error={create.isError ? create.error.message : null}
        />
        <RadioGroup value={starter} onChange={setStarter} className="starter-grid" aria-label="Start from">
          <Radio value="blank" className="starter">
            <FilePlus2 size={18} aria-hidden />
            <strong>Blank</strong>
            <span className="muted">An empty canvas.</span>
          </Radio>
          {STARTERS.map((s) => (
            <Radio key={s.id} value={s.id} className="starter">
              <strong>{s.title}</strong>
              <span className="muted">{s.description}</span>
            </Radio>
          ))}
        </RadioGroup>
      </form>
    </Dialog>
  );
}
