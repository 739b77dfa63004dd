import { formConfig, hasProblems, initialValues, schemaForm } from './schema-form';

const smtp = {
  type: 'object',
  required: ['host', 'from'],
  properties: {
    host: { type: 'string', title: 'SMTP host', minLength: 1, examples: ['smtp.example.com'] },
    port: { type: 'integer', title: 'Port', minimum: 1, maximum: 65535, default: 587 },
    secure: { type: 'boolean', title: 'TLS from the start', default: false },
    startTls: { enum: ['opportunistic', 'required', 'disabled'], title: 'STARTTLS', default: 'opportunistic' },
    password: { type: 'string', title: 'Password', 'x-secret': true },
    from: { type: 'string', title: 'Default sender', minLength: 3 },
    allowHosts: { type: 'array', items: { type: 'string' }, default: [] },
  },
};

describe('plugin configSchema to form', () => {
  it('maps each property to its control, label, help and checks, in order', () => {
    const form = schemaForm(smtp);
    expect(form.fields.map((f) => [f.name, f.control, f.label, f.required])).toEqual([
      ['host', 'text', 'SMTP host', true],
      ['port', 'integer', 'Port', false],
      ['secure', 'boolean', 'TLS from the start', false],
      ['startTls', 'select', 'STARTTLS', false],
      ['password', 'secret', 'Password', false],
      ['from', 'text', 'Default sender', true],
      ['allowHosts', 'list', 'Allow Hosts', false],
    ]);
    expect(form.fields[0].placeholder).toBe('smtp.example.com');
    expect(form.fields[3].options).toEqual(['opportunistic', 'required', 'disabled']);
  });

  it('starts from stored values or defaults, with secrets empty', () => {
    const form = schemaForm(smtp);
    expect(initialValues(form)).toEqual({
      host: '',
      port: '587',
      secure: false,
      startTls: 'opportunistic',
      password: '',
      from: '',
      allowHosts: '',
    });
    expect(initialValues(form, { host: 'mail.acme', port: 2525, password: 'leaked?', allowHosts: ['a', 'b'] })).toMatchObject({
      host: 'mail.acme',
      port: '2525',
      password: '',
      allowHosts: 'a, b',
    });
  });

  it('checks values and builds the config, leaving an empty secret out so the stored one is kept', () => {
    const form = schemaForm(smtp);
    const filled = { ...initialValues(form), host: '127.0.0.1', port: '2525', from: 'hi@acme.example', allowHosts: 'a, b ,' };
    expect(formConfig(form, filled)).toEqual({
      config: { host: '127.0.0.1', port: 2525, secure: false, startTls: 'opportunistic', from: 'hi@acme.example', allowHosts: ['a', 'b'] },
      problems: { byField: {}, general: [] },
    });
    const bad = formConfig(form, { ...filled, host: '', port: '70000', from: 'x' });
    expect(bad.problems.byField).toEqual({ host: 'SMTP host is required.', port: 'At most 65535.', from: 'At least 3 characters.' });
    expect(formConfig(form, { ...filled, password: 's3cret' }).config.password).toBe('s3cret');
  });

  it('requires a set secret only when none is stored, and reports one-of groups and patterns', () => {
    const twilio = schemaForm({
      type: 'object',
      required: ['accountSid', 'authToken'],
      anyOf: [{ required: ['from'] }, { required: ['messagingServiceSid'] }],
      properties: {
        accountSid: { type: 'string', pattern: '^AC[0-9a-fA-F]{32}$' },
        authToken: { type: 'string', 'x-secret': true },
        from: { type: 'string', title: 'Sender' },
        messagingServiceSid: { type: 'string', title: 'Messaging Service SID' },
        statusCallbackUrl: { type: 'string', format: 'uri' },
      },
    });
    const values = { accountSid: 'AC123', authToken: '', from: '', messagingServiceSid: '', statusCallbackUrl: 'not a url' };
    const { problems } = formConfig(twilio, values);
    expect(problems.byField.accountSid).toMatch(/expected form/);
    expect(problems.byField.authToken).toBe('Auth Token is required.');
    expect(problems.byField.statusCallbackUrl).toMatch(/full URL/);
    expect(problems.general).toEqual(['Fill in one of: Sender, Messaging Service SID.']);
    const kept = formConfig(twilio, { ...values, accountSid: `AC${'0'.repeat(32)}`, from: '+15005550006', statusCallbackUrl: '' }, [
      'authToken',
    ]);
    expect(hasProblems(kept.problems)).toBe(false);
    expect(kept.config).toEqual({ accountSid: `AC${'0'.repeat(32)}`, from: '+15005550006' });
  });
});
