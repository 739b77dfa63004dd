import type { RenderedContentDto } from '@itinera/sdk';
import { Bell, Hash, Monitor, Smartphone } from 'lucide-react';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { ToggleButton, ToggleButtonGroup } from 'react-aria-components';
import { Badge } from '../../../components/ui';
import { type ChatFlavour, chatSpans } from '../model/chat-markdown';
import { countSms } from '../model/sms-segments';
import type { TemplateChannel } from '../model/template-content';

/** A segmented choice of a few options (preview width, sample source). */
export function Toggle<T extends string>({
  label,
  value,
  onChange,
  options,
}: {
  label: string;
  value: T;
  onChange: (value: T) => void;
  options: Array<{ id: T; label: string; icon?: ReactNode }>;
}) {
  return (
    <ToggleButtonGroup
      aria-label={label}
      selectionMode="single"
      disallowEmptySelection
      selectedKeys={[value]}
      onSelectionChange={(keys) => {
        const [first] = [...keys];
        if (first !== undefined) onChange(String(first) as T);
      }}
      className="segmented"
    >
      {options.map((option) => (
        <ToggleButton key={option.id} id={option.id} className="segmented__item">
          {option.icon}
          {option.label}
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}

/** The rendered e-mail in a desktop (600 px) or mobile (375 px) frame, scaled to fit the column. */
export function EmailPreview({ email }: { email: NonNullable<RenderedContentDto['email']> }) {
  const [device, setDevice] = useState<'desktop' | 'mobile'>('desktop');
  const width = device === 'desktop' ? 600 : 375;
  const frame = useRef<HTMLIFrameElement>(null);
  const stage = useRef<HTMLDivElement>(null);
  const [height, setHeight] = useState(480);
  const [available, setAvailable] = useState(width);

  useEffect(() => {
    const element = stage.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setAvailable(entry.contentRect.width));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const measure = () => {
    const document = frame.current?.contentDocument;
    if (document?.documentElement) setHeight(Math.max(200, document.documentElement.scrollHeight));
  };
  const scale = Math.min(1, available / width);

  return (
    <div className="preview">
      <div className="preview__bar">
        <Toggle
          label="Preview width"
          value={device}
          onChange={setDevice}
          options={[
            { id: 'desktop', label: 'Desktop (600 px)', icon: <Monitor size={14} aria-hidden /> },
            { id: 'mobile', label: 'Mobile (375 px)', icon: <Smartphone size={14} aria-hidden /> },
          ]}
        />
      </div>
      <div className="inbox-head" data-testid="preview-subject">
        <div className="inbox-head__subject">{email.subject || <span className="muted">(no subject)</span>}</div>
        {email.preheader && <div className="inbox-head__preheader">{email.preheader}</div>}
      </div>
      <div className="preview__stage" ref={stage}>
        <div className="preview__scaler" style={{ width: width * scale, height: height * scale }}>
          <iframe
            ref={frame}
            title={`E-mail preview at ${width} px`}
            className="preview__frame"
            sandbox="allow-same-origin"
            srcDoc={email.html}
            onLoad={measure}
            style={{ width, height, transform: `scale(${scale})` }}
            data-testid="email-preview-frame"
            data-width={width}
          />
        </div>
      </div>
    </div>
  );
}

export function SmsPreview({ sms }: { sms: NonNullable<RenderedContentDto['sms']> }) {
  const count = countSms(sms.body);
  return (
    <div className="preview">
      <div className="phone">
        <div className="phone__screen">
          <div className="sms-bubble" data-testid="sms-preview">
            {sms.body || <span className="muted">(empty)</span>}
          </div>
        </div>
      </div>
      <dl className="facts" data-testid="sms-count">
        <div>
          <dt>Characters</dt>
          <dd>{count.characters}</dd>
        </div>
        <div>
          <dt>Encoding</dt>
          <dd>{count.encoding}</dd>
        </div>
        <div>
          <dt>Segments</dt>
          <dd>
            {count.segments} <span className="facts__note">of {count.perSegment} characters</span>
          </dd>
        </div>
        <div>
          <dt>Left in this segment</dt>
          <dd>{count.remaining}</dd>
        </div>
      </dl>
      {count.encoding === 'UCS-2' && (
        <p className="notice notice--info">
          {count.nonGsmCharacters.map((c) => `“${c}”`).join(' ')} {count.nonGsmCharacters.length === 1 ? 'is' : 'are'} not in the GSM
          alphabet, so the message is sent as UCS-2: 70 characters per message instead of 160.
        </p>
      )}
    </div>
  );
}

export function PushPreview({ push }: { push: NonNullable<RenderedContentDto['push']> }) {
  const [platform, setPlatform] = useState<'ios' | 'android'>('ios');
  return (
    <div className="preview">
      <div className="preview__bar">
        <Toggle
          label="Platform"
          value={platform}
          onChange={setPlatform}
          options={[
            { id: 'ios', label: 'iOS' },
            { id: 'android', label: 'Android' },
          ]}
        />
      </div>
      <div className={`lock-screen lock-screen--${platform}`}>
        <div className={`push-card push-card--${platform}`} data-testid="push-preview">
          <div className="push-card__app">
            <Bell size={12} aria-hidden /> Your app · now
          </div>
          <div className="push-card__title">{push.title}</div>
          <div className="push-card__body">{push.body}</div>
          {push.imageUrl && <div className="push-card__image">Image: {push.imageUrl}</div>}
        </div>
      </div>
      {Object.keys(push.data).length > 0 && (
        <>
          <h3 className="preview__subhead">Data sent with it</h3>
          <pre className="code-block">{JSON.stringify(push.data, null, 2)}</pre>
        </>
      )}
    </div>
  );
}

function ChatText({ text, markdown, flavour }: { text: string; markdown: boolean; flavour: ChatFlavour }) {
  if (!markdown) return <>{text}</>;
  return (
    <>
      {chatSpans(text, flavour).map((span, index) => {
        switch (span.kind) {
          case 'bold':
            return <strong key={index}>{span.text}</strong>;
          case 'italic':
            return <em key={index}>{span.text}</em>;
          case 'strike':
            return <s key={index}>{span.text}</s>;
          case 'code':
            return <code key={index}>{span.text}</code>;
          case 'link':
            return (
              <a key={index} href={span.href} target="_blank" rel="noreferrer noopener">
                {span.text}
              </a>
            );
          default:
            return <span key={index}>{span.text}</span>;
        }
      })}
    </>
  );
}

export function ChatPreview({ chat }: { chat: NonNullable<RenderedContentDto['chat']> }) {
  const [flavour, setFlavour] = useState<ChatFlavour>('slack');
  return (
    <div className="preview">
      <div className="preview__bar">
        <Toggle
          label="Chat app"
          value={flavour}
          onChange={setFlavour}
          options={[
            { id: 'slack', label: 'Slack', icon: <Hash size={14} aria-hidden /> },
            { id: 'teams', label: 'Microsoft Teams' },
          ]}
        />
      </div>
      <div className={`chat chat--${flavour}`} data-testid="chat-preview">
        <div className="chat__avatar" aria-hidden>
          I
        </div>
        <div>
          <div className="chat__author">
            Itinera <Badge tone="neutral">{flavour === 'slack' ? 'APP' : 'Bot'}</Badge>
          </div>
          <div className="chat__text">
            <ChatText text={chat.text} markdown={chat.markdown} flavour={flavour} />
          </div>
        </div>
      </div>
    </div>
  );
}

export function InappPreview({ inapp }: { inapp: NonNullable<RenderedContentDto['inapp']> }) {
  return (
    <div className="preview">
      <div className="inapp-feed">
        <div className="inapp-feed__head">
          <Bell size={14} aria-hidden /> Notifications
        </div>
        <div className="inapp-item" data-testid="inapp-preview">
          <span className="inapp-item__dot" aria-hidden />
          <div>
            <div className="inapp-item__title">{inapp.title}</div>
            <div className="inapp-item__body">{inapp.body}</div>
            {inapp.actionUrl && <div className="inapp-item__action">Opens {inapp.actionUrl}</div>}
          </div>
        </div>
      </div>
      {Object.keys(inapp.data).length > 0 && (
        <>
          <h3 className="preview__subhead">Data</h3>
          <pre className="code-block">{JSON.stringify(inapp.data, null, 2)}</pre>
        </>
      )}
    </div>
  );
}

export function WebhookPreview({ webhook }: { webhook: NonNullable<RenderedContentDto['webhook']> }) {
  return (
    <div className="preview" data-testid="webhook-preview">
      <p className="webhook-line">
        <Badge tone="info">POST</Badge> <code>{webhook.url || '(no URL)'}</code>
      </p>
      <pre className="code-block">{JSON.stringify(webhook.body, null, 2)}</pre>
    </div>
  );
}

/** The rendering of one channel, in its channel's frame. */
export function ChannelPreview({ channel, rendered }: { channel: TemplateChannel; rendered: RenderedContentDto }) {
  switch (channel) {
    case 'email':
      return rendered.email ? <EmailPreview email={rendered.email} /> : null;
    case 'sms':
      return rendered.sms ? <SmsPreview sms={rendered.sms} /> : null;
    case 'push':
      return rendered.push ? <PushPreview push={rendered.push} /> : null;
    case 'chat':
      return rendered.chat ? <ChatPreview chat={rendered.chat} /> : null;
    case 'inapp':
      return rendered.inapp ? <InappPreview inapp={rendered.inapp} /> : null;
    case 'webhook':
      return rendered.webhook ? <WebhookPreview webhook={rendered.webhook} /> : null;
  }
}
