/** Starting points for an e-mail body: valid MJML with Liquid, for the editor's "Start from a layout". */
export interface EmailStarter {
  id: string;
  name: string;
  description: string;
  mjml: string;
}

const HEAD = `  <mj-head>
    <mj-attributes>
      <mj-all font-family="Helvetica, Arial, sans-serif" />
      <mj-text font-size="15px" line-height="1.5" color="#1c2430" />
    </mj-attributes>
  </mj-head>`;

const FOOTER = `    <mj-section>
      <mj-column>
        <mj-text font-size="12px" color="#5b6675" align="center">
          <a href="{{ preferencesUrl }}" style="color:#5b6675">Preferences</a> · <a href="{{ unsubscribeUrl }}" style="color:#5b6675">Unsubscribe</a>
        </mj-text>
      </mj-column>
    </mj-section>`;

export const EMAIL_STARTERS: EmailStarter[] = [
  {
    id: 'simple',
    name: 'Simple message',
    description: 'A greeting, a paragraph and the unsubscribe footer.',
    mjml: `<mjml>
${HEAD}
  <mj-body background-color="#f6f7f9">
    <mj-section background-color="#ffffff" padding="24px">
      <mj-column>
        <mj-text font-size="20px" font-weight="bold">Hi {{ profile.traits.first_name | default: "there" }},</mj-text>
        <mj-text>Write your message here.</mj-text>
      </mj-column>
    </mj-section>
${FOOTER}
  </mj-body>
</mjml>
`,
  },
  {
    id: 'call-to-action',
    name: 'Call to action',
    description: 'A headline, a short text and one button.',
    mjml: `<mjml>
${HEAD}
  <mj-body background-color="#f6f7f9">
    <mj-section background-color="#3b5bdb" padding="32px 24px">
      <mj-column>
        <mj-text font-size="24px" font-weight="bold" color="#ffffff">Your trial ends in 3 days</mj-text>
      </mj-column>
    </mj-section>
    <mj-section background-color="#ffffff" padding="24px">
      <mj-column>
        <mj-text>Hi {{ profile.traits.first_name | default: "there" }}, keep everything you set up by choosing a plan.</mj-text>
        <mj-button background-color="#3b5bdb" href="https://example.com/billing">Choose a plan</mj-button>
      </mj-column>
    </mj-section>
${FOOTER}
  </mj-body>
</mjml>
`,
  },
  {
    id: 'feature-update',
    name: 'Feature update',
    description: 'An intro and two columns, each with a title and a link.',
    mjml: `<mjml>
${HEAD}
  <mj-body background-color="#f6f7f9">
    <mj-section background-color="#ffffff" padding="24px 24px 0">
      <mj-column>
        <mj-text font-size="20px" font-weight="bold">What's new this month</mj-text>
        <mj-text>Hi {{ profile.traits.first_name | default: "there" }}, here is what we shipped.</mj-text>
      </mj-column>
    </mj-section>
    <mj-section background-color="#ffffff" padding="0 24px 24px">
      <mj-column>
        <mj-text font-weight="bold">Faster reports</mj-text>
        <mj-text>Reports now load in under a second.</mj-text>
      </mj-column>
      <mj-column>
        <mj-text font-weight="bold">Team roles</mj-text>
        <mj-text>Give viewers read-only access.</mj-text>
      </mj-column>
    </mj-section>
${FOOTER}
  </mj-body>
</mjml>
`,
  },
  {
    id: 'receipt',
    name: 'Receipt',
    description: 'A summary table filled from the send data.',
    mjml: `<mjml>
${HEAD}
  <mj-body background-color="#f6f7f9">
    <mj-section background-color="#ffffff" padding="24px">
      <mj-column>
        <mj-text font-size="20px" font-weight="bold">Thanks for your payment</mj-text>
        <mj-table>
          <tr><td>Plan</td><td align="right">{{ data.plan | default: "Pro" }}</td></tr>
          <tr><td>Amount</td><td align="right">{{ data.amount | default: "0.00" }} {{ data.currency | default: "EUR" }}</td></tr>
        </mj-table>
      </mj-column>
    </mj-section>
${FOOTER}
  </mj-body>
</mjml>
`,
  },
];
