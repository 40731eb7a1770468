import { validateInput } from './src/kms/model/validate';
import { base64DecodedLength } from './src/kms/model/base64';
const which = process.argv[2];
const body = { KeyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', GranteePrincipal: 'arn:aws:iam::111122223333:role/ExampleRole', Operations: ['Encrypt', 'Decrypt', 'GenerateDataKey'], Constraints: { EncryptionContextSubset: { Department: 'IT' } }, GrantTokens: ['token'], Name: 'my-grant', DryRun: false };
const pt = 'A'.repeat(5460);
const enc = { KeyId: 'alias/x', Plaintext: pt, EncryptionContext: { a: 'b' } };
const cases: any = { cg: ['CreateGrant', body], enc: ['Encrypt', enc], dk: ['DescribeKey', { KeyId: 'alias/x' }] };
if (which === 'b64') { const n=1e5; let t=performance.now(); let x=0; for (let i=0;i<n;i++) x+=base64DecodedLength(pt); console.log('b64', ((performance.now()-t)*1e6/n).toFixed(0),'ns', x); }
else { const [op, b] = cases[which];
for (let i = 0; i < 2e5; i++) validateInput(op, b);
const n = 2e6; const t = performance.now();
for (let i = 0; i < n; i++) if (!validateInput(op, b).ok) throw 0;
console.log(which, ((performance.now() - t) * 1e6 / n).toFixed(0), 'ns/op'); }
