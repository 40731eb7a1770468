/**
 * "Copy request as code" for ordinary requests: the escaping added for hostile input leaves the
 * code for everyday requests exactly as it was (plain member names stay keyword arguments and bare
 * object keys, plain regions and ARNs stay unquoted, the body's JSON is one single-quoted word).
 */
import { describe, expect, it } from 'vitest';
import { generate, type CodeInput } from '../../src/ui/codegen';

const ROOT = 'arn:aws:iam::111122223333:root';

const encrypt: CodeInput = {
  operation: 'Encrypt',
  body: JSON.stringify(
    { KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', Plaintext: 'aGVsbG8=', EncryptionContext: { purpose: 'test', 'dept:x': "o'brien", Plaintext: 'x' }, GrantTokens: ['tok1'], DryRun: false },
    null,
    2,
  ),
  region: 'eu-west-2',
  callerArn: 'arn:aws:iam::111122223333:user/alice',
  rootArn: ROOT,
};

describe('generated code for an ordinary Encrypt request', () => {
  it('AWS CLI', () => {
    expect(generate('cli', encrypt)).toBe(
      `# Caller: arn:aws:iam::111122223333:user/alice (use credentials for this principal)
aws kms encrypt \\
  --region eu-west-2 \\
  --cli-input-json '{"KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab","Plaintext":"aGVsbG8=","EncryptionContext":{"purpose":"test","dept:x":"o'\\''brien","Plaintext":"x"},"GrantTokens":["tok1"],"DryRun":false}'
`,
    );
  });

  it('boto3', () => {
    expect(generate('boto3', encrypt)).toBe(
      `# Caller: arn:aws:iam::111122223333:user/alice (use credentials for this principal)
import base64
import boto3

kms = boto3.client("kms", region_name="eu-west-2")
response = kms.encrypt(
    KeyId="1234abcd-12ab-34cd-56ef-1234567890ab",
    Plaintext=base64.b64decode("aGVsbG8="),
    EncryptionContext={
        "purpose": "test",
        "dept:x": "o'brien",
        "Plaintext": "x",
    },
    GrantTokens=[
        "tok1",
    ],
    DryRun=False,
)
print(response)
`,
    );
  });

  it('SDK for JavaScript v3', () => {
    expect(generate('js', encrypt)).toBe(
      `// Caller: arn:aws:iam::111122223333:user/alice (use credentials for this principal)
import { KMSClient, EncryptCommand } from "@aws-sdk/client-kms";

const client = new KMSClient({ region: "eu-west-2" });
const response = await client.send(
  new EncryptCommand({
    KeyId: "1234abcd-12ab-34cd-56ef-1234567890ab",
    Plaintext: Buffer.from("aGVsbG8=", "base64"),
    EncryptionContext: {
      purpose: "test",
      "dept:x": "o'brien",
      Plaintext: "x",
    },
    GrantTokens: [
      "tok1",
    ],
    DryRun: false,
  }),
);
console.log(response);
`,
    );
  });
});

describe('generated code for an empty body, the root caller, and a body that is not JSON yet', () => {
  const listKeys: CodeInput = { operation: 'ListKeys', body: '', region: 'us-east-1', callerArn: ROOT, rootArn: ROOT };

  it('an empty body is a call without arguments', () => {
    expect(generate('cli', listKeys)).toBe('# Caller: the account root (arn:aws:iam::111122223333:root)\naws kms list-keys \\\n  --region us-east-1\n');
    expect(generate('boto3', listKeys)).toBe(
      '# Caller: the account root (arn:aws:iam::111122223333:root)\nimport boto3\n\nkms = boto3.client("kms", region_name="us-east-1")\nresponse = kms.list_keys()\nprint(response)\n',
    );
    expect(generate('js', listKeys)).toBe(
      '// Caller: the account root (arn:aws:iam::111122223333:root)\nimport { KMSClient, ListKeysCommand } from "@aws-sdk/client-kms";\n\nconst client = new KMSClient({ region: "us-east-1" });\nconst response = await client.send(\n  new ListKeysCommand({}),\n);\nconsole.log(response);\n',
    );
  });

  it('a body that is not a JSON object asks for it to be fixed', () => {
    for (const body of ['{ bad', '[1]', '"x"'])
      for (const [flavour, c] of [['cli', '#'], ['boto3', '#'], ['js', '//']] as const)
        expect(generate(flavour, { ...listKeys, body })).toBe(`${c} Caller: the account root (arn:aws:iam::111122223333:root)\n${c} The body is not a JSON object yet: fix it in the editor first.\n`);
  });
});
