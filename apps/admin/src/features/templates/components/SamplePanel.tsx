import { eventsList } from '@itinera/sdk';
import { Download } from 'lucide-react';
import { useState } from 'react';
import { Button } from '../../../components/ui';
import { ProfilePicker } from '../../profiles/components/ProfilePicker';
import { inlineProfileText, type InlineProfile, parseSample, type SampleInput } from '../model/template-sample';
import { CodeEditor } from './CodeEditor';
import { Toggle } from './Previews';

/** The sample the preview renders with: a profile of the workspace or a made-up one, the triggering event and the send's data, as JSON. */
export function SamplePanel({
  sample,
  onChange,
  triggerEvents,
  chosenProfile,
}: {
  sample: SampleInput;
  onChange: (sample: SampleInput) => void;
  triggerEvents: string[];
  /** The workspace profile chosen now: a made-up profile starts from its fields. */
  chosenProfile?: InlineProfile | null;
}) {
  const parsed = parseSample(sample);
  const [loading, setLoading] = useState<string | null>(null);
  const [loadProblem, setLoadProblem] = useState<string | null>(null);

  async function loadLatest(event: string) {
    setLoading(event);
    setLoadProblem(null);
    try {
      const page = await eventsList({ event, limit: 1 });
      const latest = page.data[0];
      const value = latest
        ? { event: latest.event, properties: latest.properties, timestamp: latest.timestamp }
        : { event, properties: {} };
      if (!latest) setLoadProblem(`No ${event} event has been received yet; a blank one was filled in.`);
      onChange({ ...sample, eventText: JSON.stringify(value, null, 2) });
    } catch (error) {
      setLoadProblem(`The latest ${event} event could not be loaded: ${(error as Error).message}`);
    } finally {
      setLoading(null);
    }
  }

  return (
    <div className="sample-panel">
      <Toggle
        label="Sample profile"
        value={sample.profileMode}
        onChange={(profileMode) =>
          onChange({ ...sample, profileMode, profileText: sample.profileText || inlineProfileText(chosenProfile) })
        }
        options={[
          { id: 'user', label: 'A profile of the workspace' },
          { id: 'inline', label: 'Made-up profile' },
        ]}
      />
      {sample.profileMode === 'user' ? (
        <ProfilePicker
          label="Profile"
          value={sample.userId}
          onChange={(userId) => onChange({ ...sample, userId })}
          description="Its traits, contact points and locale fill profile.* in the preview."
        />
      ) : (
        <div className="field">
          <span className="field__label">Profile (JSON)</span>
          <span className="field__description">email, phone, timezone, locale and traits; nothing is stored.</span>
          <div className="code-frame">
            <CodeEditor
              label="Made-up profile JSON"
              value={sample.profileText}
              onChange={(profileText) => onChange({ ...sample, profileText })}
              language="json"
              minHeight="8rem"
            />
          </div>
        </div>
      )}
      <div className="field">
        <span className="field__label">Event (JSON)</span>
        {triggerEvents.length > 0 && (
          <div className="toolbar">
            {triggerEvents.map((event) => (
              <Button key={event} size="sm" onPress={() => void loadLatest(event)} isDisabled={loading !== null}>
                <Download size={14} aria-hidden /> Latest {event}
              </Button>
            ))}
          </div>
        )}
        {loadProblem && <p className="field__description">{loadProblem}</p>}
        <div className="code-frame">
          <CodeEditor
            label="Sample event JSON"
            value={sample.eventText}
            onChange={(eventText) => onChange({ ...sample, eventText })}
            language="json"
            minHeight="7rem"
          />
        </div>
      </div>
      <div className="field">
        <span className="field__label">Data (JSON)</span>
        <span className="field__description">
          What a send passes as data, and the outputs of fetch and ai steps (data.&lt;step id&gt;).
        </span>
        <div className="code-frame">
          <CodeEditor
            label="Sample data JSON"
            value={sample.dataText}
            onChange={(dataText) => onChange({ ...sample, dataText })}
            language="json"
            minHeight="6rem"
          />
        </div>
      </div>
      {parsed.problems.length > 0 && (
        <p className="field__error" role="alert">
          {parsed.problems.join(' · ')}
        </p>
      )}
    </div>
  );
}
