/**
 * What each request member does, in the playground's own words (one or two sentences), for the
 * editor's hovers. The limits come from the API model (memberConstraintsText); the link goes to
 * the AWS API reference page of the operation. Keyed by member name, with per-operation overrides
 * where the same name means something different.
 */

const KEY_ID_ANY = 'The KMS key to use: a key ID, key ARN, alias name (alias/…) or alias ARN.';
const KEY_ID_NO_ALIAS = 'The KMS key: its key ID or key ARN. Aliases are not accepted here.';

const BY_MEMBER: Record<string, string> = {
  AccessKeyId: 'Access key ID of the credential the external key store proxy expects.',
  AliasName: 'The alias name, starting with "alias/". Names beginning with "alias/aws/" are reserved for AWS managed keys.',
  AttestationDocument: 'A Nitro Enclave attestation document; KMS then encrypts the result to the enclave\'s public key instead of returning plaintext.',
  BypassPolicyLockoutSafetyCheck: 'Skips the check that stops you from setting a key policy that locks you out of the key. Leave it unset unless you mean it.',
  CiphertextBlob: 'The ciphertext to decrypt, base64-encoded, exactly as Encrypt or GenerateDataKey returned it.',
  CloudHsmClusterId: 'The AWS CloudHSM cluster backing the custom key store.',
  Constraints: 'Conditions on the encryption context (or, for service principals, the source ARN) that each request must meet for the grant to apply.',
  CustomKeyStoreId: 'The custom key store to use.',
  CustomKeyStoreName: 'A friendly name for the custom key store.',
  CustomKeyStoreType: 'AWS_CLOUDHSM or EXTERNAL_KEY_STORE.',
  CustomerMasterKeySpec: 'The old name of KeySpec. Use KeySpec instead.',
  Description: 'Free-text description of the key, shown by DescribeKey. Do not put secrets here.',
  DestinationEncryptionAlgorithm: 'Algorithm used to re-encrypt under the destination key.',
  DestinationEncryptionContext: 'Encryption context to bind to the new ciphertext.',
  DestinationKeyId: 'The key to re-encrypt the data under.',
  DryRun: 'When true, KMS checks whether the call would succeed (permissions included) without doing it, answering DryRunOperationException if it would.',
  DryRunModifiers: 'Adjusts a dry run; IGNORE_CIPHERTEXT checks permissions only.',
  EncryptedKeyMaterial: 'Your key material, encrypted with the public key from GetParametersForImport.',
  EncryptionAlgorithm: 'The encryption algorithm. Symmetric keys always use SYMMETRIC_DEFAULT.',
  EncryptionContext: 'Non-secret key/value pairs bound to the ciphertext. Decrypt must present exactly the same pairs; grants can require some of them.',
  EncryptionContextEquals: 'The grant applies only when the request\'s encryption context equals this map exactly.',
  EncryptionContextSubset: 'The grant applies only when the request\'s encryption context contains all of these pairs (it may contain more).',
  ExpirationModel: 'Whether the imported key material expires (KEY_MATERIAL_EXPIRES with ValidTo) or not.',
  GrantId: 'The ID of a grant, as CreateGrant or ListGrants returned it.',
  GrantToken: 'A grant token from CreateGrant. It identifies the grant even before the grant has reached every KMS host.',
  GrantTokens: 'Grant tokens from CreateGrant. A token lets this request use its grant right away, before the grant has propagated to the host serving the request.',
  GranteePrincipal: 'The principal that receives the permissions: an IAM user, role or account ARN.',
  GranteeServicePrincipal: 'An AWS service principal (e.g. dynamodb.amazonaws.com) that receives the permissions. Needs a SourceArn constraint and a retiring principal.',
  ImportToken: 'The import token from the same GetParametersForImport call as the wrapping key.',
  ImportType: 'Whether this is new key material or a re-import of existing material.',
  IncludeKeyMaterial: 'Which key materials to list.',
  KeyAgreementAlgorithm: 'The key agreement algorithm; ECDH is the only one.',
  KeyEncryptionAlgorithm: 'Algorithm used to encrypt the result to the Recipient\'s public key.',
  KeyId: KEY_ID_ANY,
  KeyMaterialDescription: 'A description for the imported key material.',
  KeyMaterialId: 'Identifies one version of the key\'s material.',
  KeyPairSpec: 'The type of data key pair to generate (RSA, ECC, SM2 or ML-KEM).',
  KeySpec: 'The type of key: SYMMETRIC_DEFAULT (AES-256-GCM), RSA, ECC, HMAC, ML-DSA, ML-KEM or SM2. It cannot be changed later.',
  KeyStorePassword: 'Password of the kmsuser crypto user in the CloudHSM cluster.',
  KeyUsage: 'What the key is for: ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC, KEY_AGREEMENT or ENCAPSULATE_DECAPSULATE. Must suit the KeySpec.',
  Limit: 'The most items to return in one page. KMS may return fewer; keep calling with Marker while Truncated is true.',
  Mac: 'The HMAC to verify, base64-encoded, as GenerateMac returned it.',
  MacAlgorithm: 'The HMAC algorithm; it must match the key\'s spec (HMAC_256 keys use HMAC_SHA_256).',
  Marker: 'Where to continue: the NextMarker of the previous page.',
  Message: 'The message (or digest), base64-encoded.',
  MessageType: 'RAW for a message KMS should hash, DIGEST for a digest you computed.',
  MultiRegion: 'Creates a multi-Region primary key that can be replicated to other Regions.',
  Name: 'A friendly name for the grant. Retrying CreateGrant with the same name and parameters returns the same grant instead of creating another.',
  NewCustomKeyStoreName: 'A new friendly name for the custom key store.',
  NumberOfBytes: 'How many bytes to generate.',
  Operations: 'The operations the grant allows. Only operations the key supports are accepted, and not CreateGrant alone.',
  Origin: 'Where the key material comes from: AWS_KMS (default), EXTERNAL (you import it), AWS_CLOUDHSM or EXTERNAL_KEY_STORE.',
  PendingWindowInDays: 'How long the key waits in PendingDeletion before it is deleted. You can cancel during the window.',
  Plaintext: 'The data to encrypt, base64-encoded.',
  Policy: 'The key policy document, as a JSON string.',
  PolicyName: 'The policy name. KMS keys have one policy, named "default".',
  PrimaryRegion: 'The Region of the replica key that becomes the new primary.',
  PublicKey: 'The other party\'s public key, base64-encoded DER (SubjectPublicKeyInfo).',
  RawSecretAccessKey: 'Secret key of the credential the external key store proxy expects.',
  Recipient: 'A Nitro Enclave attestation to encrypt the result to, instead of returning plaintext.',
  ReplicaRegion: 'The Region to create the replica key in.',
  RetiringPrincipal: 'The principal allowed to retire the grant, for example the service that will be done with it.',
  RetiringServicePrincipal: 'An AWS service principal allowed to retire the grant.',
  RotationPeriodInDays: 'Days between automatic rotations of the key material.',
  Signature: 'The signature to verify, base64-encoded, as Sign returned it.',
  SigningAlgorithm: 'The signing algorithm; it must be one the key supports.',
  SourceArn: 'The grant applies only to requests an AWS service makes on behalf of this resource ARN.',
  SourceEncryptionAlgorithm: 'Algorithm the ciphertext was encrypted with.',
  SourceEncryptionContext: 'Encryption context the ciphertext was encrypted with.',
  SourceKeyId: 'The key the ciphertext was encrypted under (required for asymmetric keys).',
  TagKey: 'The tag key.',
  TagKeys: 'The tag keys to remove.',
  TagValue: 'The tag value (may be empty).',
  Tags: 'Tags to attach to the key. Tags can also grant or limit access through ABAC conditions.',
  TargetKeyId: 'The key the alias points to: key ID or key ARN.',
  TrustAnchorCertificate: 'The CloudHSM cluster\'s trust anchor certificate.',
  ValidTo: 'When the imported key material expires, in epoch seconds.',
  WrappingAlgorithm: 'How you will wrap the key material before importing it.',
  WrappingKeySpec: 'The type of the public wrapping key KMS returns.',
  XksKeyId: 'The ID of the key in the external key manager.',
  XksProxyAuthenticationCredential: 'Credentials KMS uses to sign requests to the external key store proxy.',
  XksProxyConnectivity: 'How KMS reaches the proxy: PUBLIC_ENDPOINT or VPC_ENDPOINT_SERVICE.',
  XksProxyUriEndpoint: 'The proxy\'s HTTPS endpoint.',
  XksProxyUriPath: 'The proxy\'s base path.',
  XksProxyVpcEndpointServiceName: 'The VPC endpoint service of the proxy.',
  XksProxyVpcEndpointServiceOwner: 'The account that owns the VPC endpoint service.',
};

const KEY_ID_ONLY_OPS = new Set([
  'CreateGrant',
  'ListGrants',
  'RevokeGrant',
  'RetireGrant',
  'EnableKey',
  'DisableKey',
  'ScheduleKeyDeletion',
  'CancelKeyDeletion',
  'EnableKeyRotation',
  'DisableKeyRotation',
  'GetKeyRotationStatus',
  'GetKeyPolicy',
  'PutKeyPolicy',
  'ListKeyPolicies',
  'UpdateKeyDescription',
  'TagResource',
  'UntagResource',
  'ListResourceTags',
]);

const BY_OPERATION: Record<string, Record<string, string>> = {
  CreateGrant: {
    KeyId: 'The key the grant is for: its key ID, or its key ARN (needed for a key in another account). Aliases are not accepted.',
    GrantTokens: 'Grant tokens that let this CreateGrant use a parent grant (one that allows CreateGrant) before it has propagated.',
  },
  ListGrants: {
    GrantId: 'Return only the grant with this ID.',
    GranteePrincipal: 'Return only grants for this grantee principal.',
    GranteeServicePrincipal: 'Return only grants for this service principal (callable only by that service).',
  },
  ListRetirableGrants: {
    RetiringPrincipal: 'List the grants (in this account and Region) that this principal may retire.',
    RetiringServicePrincipal: 'List the grants that this service principal may retire.',
  },
  RetireGrant: {
    KeyId: 'The key the grant is for (key ARN, or key ID). Give it together with GrantId, or give GrantToken instead.',
    GrantId: 'The grant to retire. Give it together with KeyId, or give GrantToken instead.',
  },
  RevokeGrant: {
    KeyId: 'The key the grant is for: key ID or key ARN.',
    GrantId: 'The grant to revoke. RevokeGrant takes no grant token: the grant must be identified by ID.',
  },
  Decrypt: {
    KeyId: 'The key that encrypted the ciphertext. Optional for symmetric keys (KMS finds it in the ciphertext), but naming it is good practice.',
  },
  GenerateDataKey: { KeySpec: 'Length of the data key: AES_256 or AES_128. Or use NumberOfBytes.' },
  GenerateDataKeyWithoutPlaintext: { KeySpec: 'Length of the data key: AES_256 or AES_128. Or use NumberOfBytes.' },
  ListAliases: { KeyId: 'Return only the aliases of this key.' },
  CreateKey: { Policy: 'The key policy as a JSON string. Without it the key gets the default policy, which lets the account (through IAM policies) use the key.' },
  DescribeCustomKeyStores: { CustomKeyStoreName: 'Return only the custom key store with this name.' },
};

/** Our description of a request member, or undefined when we have none. `path` uses model member names ([] for list items). */
export function describeMember(operation: string, path: readonly string[]): string | undefined {
  const name = [...path].reverse().find((p) => p !== '[]' && p !== '{}');
  if (!name) return undefined;
  const override = path.length === 1 ? BY_OPERATION[operation]?.[name] : undefined;
  if (override) return override;
  if (name === 'KeyId' && path.length === 1) return KEY_ID_ONLY_OPS.has(operation) ? KEY_ID_NO_ALIAS : KEY_ID_ANY;
  return BY_MEMBER[name];
}
