// GENERATED FILE: do not edit by hand.
// Source: botocore 1.43.107 (2026-10-01) + @aws-sdk/client-kms 3.1162.0 enums.
//   botocore kms/2014-11-01/service-2.json, sha256 e46c319dda3fad44819291b2a46cdfaeee6ece271504ae48b69fc2a7cf9158f1
// Derived data only (types and constraints; no documentation text). Regenerate with:
//   node scripts/gen-model.mjs <modelDir>     (a folder with botocore's kms-2014-11-01.service-2.json)
/* eslint-disable */

export const MODEL_VERSION: string = 'botocore 1.43.107 (2026-10-01) + @aws-sdk/client-kms 3.1162.0 enums';

export type ShapeDef =
  | { type: 'string'; min?: number; max?: number; pattern?: string; enum?: readonly string[]; sensitive?: true }
  | { type: 'integer' | 'long'; min?: number; max?: number }
  | { type: 'boolean' }
  | { type: 'blob'; min?: number; max?: number; sensitive?: true }
  | { type: 'timestamp' }
  | { type: 'list'; member: string; min?: number; max?: number }
  | { type: 'map'; key: string; value: string; min?: number; max?: number }
  | { type: 'structure'; members: Readonly<Record<string, string>>; required: readonly string[]; sensitive?: true };

/** Enum values: the model's, in model order, then values only the newer SDK knows. */
export const ENUMS = {
  AlgorithmSpec: ['RSAES_PKCS1_V1_5', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256', 'SM2PKE'],
  ConnectionErrorCodeType: ['INVALID_CREDENTIALS', 'CLUSTER_NOT_FOUND', 'NETWORK_ERRORS', 'INTERNAL_ERROR', 'INSUFFICIENT_CLOUDHSM_HSMS', 'USER_LOCKED_OUT', 'USER_NOT_FOUND', 'USER_LOGGED_IN', 'SUBNET_NOT_FOUND', 'INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET', 'XKS_PROXY_ACCESS_DENIED', 'XKS_PROXY_NOT_REACHABLE', 'XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND', 'XKS_PROXY_INVALID_RESPONSE', 'XKS_PROXY_INVALID_CONFIGURATION', 'XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION', 'XKS_PROXY_TIMED_OUT', 'XKS_PROXY_INVALID_TLS_CONFIGURATION'],
  ConnectionStateType: ['CONNECTED', 'CONNECTING', 'FAILED', 'DISCONNECTED', 'DISCONNECTING'],
  CustomKeyStoreType: ['AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'],
  CustomerMasterKeySpec: ['RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'SYMMETRIC_DEFAULT', 'HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512', 'SM2'],
  DataKeyPairSpec: ['RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'SM2', 'ECC_NIST_EDWARDS25519', 'ML_KEM_512', 'ML_KEM_768', 'ML_KEM_1024'],
  DataKeySpec: ['AES_256', 'AES_128'],
  DryRunModifierType: ['IGNORE_CIPHERTEXT'],
  EncapsulationAlgorithmSpec: ['ML_KEM'],
  EncryptionAlgorithmSpec: ['SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SM2PKE'],
  ExpirationModelType: ['KEY_MATERIAL_EXPIRES', 'KEY_MATERIAL_DOES_NOT_EXPIRE'],
  GrantOperation: ['Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'Sign', 'Verify', 'GetPublicKey', 'CreateGrant', 'RetireGrant', 'DescribeKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'GenerateMac', 'VerifyMac', 'DeriveSharedSecret', 'Decapsulate', 'Encapsulate'],
  ImportState: ['IMPORTED', 'PENDING_IMPORT'],
  ImportType: ['NEW_KEY_MATERIAL', 'EXISTING_KEY_MATERIAL'],
  IncludeKeyMaterial: ['ALL_KEY_MATERIAL', 'ROTATIONS_ONLY'],
  KeyAgreementAlgorithmSpec: ['ECDH'],
  KeyEncryptionMechanism: ['RSAES_OAEP_SHA_256'],
  KeyLastUsageTrackingOperation: ['Decrypt', 'DeriveSharedSecret', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'GenerateDataKeyWithoutPlaintext', 'GenerateMac', 'ReEncrypt', 'Sign', 'Verify', 'VerifyMac', 'Decapsulate', 'Encapsulate'],
  KeyManagerType: ['AWS', 'CUSTOMER'],
  KeyMaterialState: ['NON_CURRENT', 'CURRENT', 'PENDING_ROTATION', 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION'],
  KeySpec: ['RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'SYMMETRIC_DEFAULT', 'HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512', 'SM2', 'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87', 'ECC_NIST_EDWARDS25519', 'ML_KEM_512', 'ML_KEM_768', 'ML_KEM_1024'],
  KeyState: ['Creating', 'Enabled', 'Disabled', 'PendingDeletion', 'PendingImport', 'PendingReplicaDeletion', 'Unavailable', 'Updating'],
  KeyUsageType: ['SIGN_VERIFY', 'ENCRYPT_DECRYPT', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT', 'ENCAPSULATE_DECAPSULATE'],
  MacAlgorithmSpec: ['HMAC_SHA_224', 'HMAC_SHA_256', 'HMAC_SHA_384', 'HMAC_SHA_512'],
  MessageType: ['RAW', 'DIGEST', 'EXTERNAL_MU'],
  MultiRegionKeyType: ['PRIMARY', 'REPLICA'],
  OriginType: ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'],
  RotationType: ['AUTOMATIC', 'ON_DEMAND'],
  SigningAlgorithmSpec: ['RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512', 'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512', 'ECDSA_SHA_256', 'ECDSA_SHA_384', 'ECDSA_SHA_512', 'SM2DSA', 'ML_DSA_SHAKE_256', 'ED25519_SHA_512', 'ED25519_PH_SHA_512'],
  WrappingKeySpec: ['RSA_2048', 'RSA_3072', 'RSA_4096', 'SM2'],
  XksProxyConnectivityType: ['PUBLIC_ENDPOINT', 'VPC_ENDPOINT_SERVICE'],
} as const;

export type AlgorithmSpec = (typeof ENUMS.AlgorithmSpec)[number];
export type ConnectionErrorCodeType = (typeof ENUMS.ConnectionErrorCodeType)[number];
export type ConnectionStateType = (typeof ENUMS.ConnectionStateType)[number];
export type CustomKeyStoreType = (typeof ENUMS.CustomKeyStoreType)[number];
export type CustomerMasterKeySpec = (typeof ENUMS.CustomerMasterKeySpec)[number];
export type DataKeyPairSpec = (typeof ENUMS.DataKeyPairSpec)[number];
export type DataKeySpec = (typeof ENUMS.DataKeySpec)[number];
export type DryRunModifierType = (typeof ENUMS.DryRunModifierType)[number];
export type EncapsulationAlgorithmSpec = (typeof ENUMS.EncapsulationAlgorithmSpec)[number];
export type EncryptionAlgorithmSpec = (typeof ENUMS.EncryptionAlgorithmSpec)[number];
export type ExpirationModelType = (typeof ENUMS.ExpirationModelType)[number];
export type GrantOperation = (typeof ENUMS.GrantOperation)[number];
export type ImportState = (typeof ENUMS.ImportState)[number];
export type ImportType = (typeof ENUMS.ImportType)[number];
export type IncludeKeyMaterial = (typeof ENUMS.IncludeKeyMaterial)[number];
export type KeyAgreementAlgorithmSpec = (typeof ENUMS.KeyAgreementAlgorithmSpec)[number];
export type KeyEncryptionMechanism = (typeof ENUMS.KeyEncryptionMechanism)[number];
export type KeyLastUsageTrackingOperation = (typeof ENUMS.KeyLastUsageTrackingOperation)[number];
export type KeyManagerType = (typeof ENUMS.KeyManagerType)[number];
export type KeyMaterialState = (typeof ENUMS.KeyMaterialState)[number];
export type KeySpec = (typeof ENUMS.KeySpec)[number];
export type KeyState = (typeof ENUMS.KeyState)[number];
export type KeyUsageType = (typeof ENUMS.KeyUsageType)[number];
export type MacAlgorithmSpec = (typeof ENUMS.MacAlgorithmSpec)[number];
export type MessageType = (typeof ENUMS.MessageType)[number];
export type MultiRegionKeyType = (typeof ENUMS.MultiRegionKeyType)[number];
export type OriginType = (typeof ENUMS.OriginType)[number];
export type RotationType = (typeof ENUMS.RotationType)[number];
export type SigningAlgorithmSpec = (typeof ENUMS.SigningAlgorithmSpec)[number];
export type WrappingKeySpec = (typeof ENUMS.WrappingKeySpec)[number];
export type XksProxyConnectivityType = (typeof ENUMS.XksProxyConnectivityType)[number];

/** 202 shapes: everything reachable from the operations' inputs and outputs. */
export const SHAPES: Readonly<Record<string, ShapeDef>> = {
  AWSAccountIdType: { type: 'string' },
  AccountIdType: { type: 'string', min: 12, max: 12, pattern: '[0-9]{12}' },
  AlgorithmSpec: { type: 'string', enum: ENUMS.AlgorithmSpec },
  AliasList: { type: 'list', member: 'AliasListEntry' },
  AliasListEntry: { type: 'structure', members: { AliasName: 'AliasNameType', AliasArn: 'ArnType', TargetKeyId: 'KeyIdType', CreationDate: 'DateType', LastUpdatedDate: 'DateType' }, required: [] },
  AliasNameType: { type: 'string', min: 1, max: 256, pattern: '^[a-zA-Z0-9:/_-]+$' },
  ArnType: { type: 'string', min: 20, max: 2048 },
  AttestationDocumentType: { type: 'blob', min: 1, max: 262144 },
  BackingKeyIdResponseType: { type: 'string', min: 0, max: 64, pattern: '^[a-f0-9]+$' },
  BackingKeyIdType: { type: 'string', min: 64, max: 64, pattern: '^[a-f0-9]+$' },
  BooleanType: { type: 'boolean' },
  CancelKeyDeletionRequest: { type: 'structure', members: { KeyId: 'KeyIdType' }, required: ['KeyId'] },
  CancelKeyDeletionResponse: { type: 'structure', members: { KeyId: 'KeyIdType' }, required: [] },
  CiphertextType: { type: 'blob', min: 1, max: 6144 },
  CloudHsmClusterIdType: { type: 'string', min: 19, max: 24, pattern: 'cluster-[2-7a-zA-Z]{11,16}' },
  CloudTrailEventIdType: { type: 'string' },
  ConnectCustomKeyStoreRequest: { type: 'structure', members: { CustomKeyStoreId: 'CustomKeyStoreIdType' }, required: ['CustomKeyStoreId'] },
  ConnectCustomKeyStoreResponse: { type: 'structure', members: {  }, required: [] },
  ConnectionErrorCodeType: { type: 'string', enum: ENUMS.ConnectionErrorCodeType },
  ConnectionStateType: { type: 'string', enum: ENUMS.ConnectionStateType },
  CreateAliasRequest: { type: 'structure', members: { AliasName: 'AliasNameType', TargetKeyId: 'KeyIdType' }, required: ['AliasName', 'TargetKeyId'] },
  CreateCustomKeyStoreRequest: { type: 'structure', members: { CustomKeyStoreName: 'CustomKeyStoreNameType', CloudHsmClusterId: 'CloudHsmClusterIdType', TrustAnchorCertificate: 'TrustAnchorCertificateType', KeyStorePassword: 'KeyStorePasswordType', CustomKeyStoreType: 'CustomKeyStoreType', XksProxyUriEndpoint: 'XksProxyUriEndpointType', XksProxyUriPath: 'XksProxyUriPathType', XksProxyVpcEndpointServiceName: 'XksProxyVpcEndpointServiceNameType', XksProxyVpcEndpointServiceOwner: 'AccountIdType', XksProxyAuthenticationCredential: 'XksProxyAuthenticationCredentialType', XksProxyConnectivity: 'XksProxyConnectivityType' }, required: ['CustomKeyStoreName'] },
  CreateCustomKeyStoreResponse: { type: 'structure', members: { CustomKeyStoreId: 'CustomKeyStoreIdType' }, required: [] },
  CreateGrantRequest: { type: 'structure', members: { KeyId: 'KeyIdType', GranteePrincipal: 'PrincipalIdType', RetiringPrincipal: 'PrincipalIdType', Operations: 'GrantOperationList', Constraints: 'GrantConstraints', GrantTokens: 'GrantTokenList', Name: 'GrantNameType', DryRun: 'NullableBooleanType', GranteeServicePrincipal: 'ServicePrincipalType', RetiringServicePrincipal: 'ServicePrincipalType' }, required: ['KeyId', 'Operations'] },
  CreateGrantResponse: { type: 'structure', members: { GrantToken: 'GrantTokenType', GrantId: 'GrantIdType' }, required: [] },
  CreateKeyRequest: { type: 'structure', members: { Policy: 'PolicyType', Description: 'DescriptionType', KeyUsage: 'KeyUsageType', CustomerMasterKeySpec: 'CustomerMasterKeySpec', KeySpec: 'KeySpec', Origin: 'OriginType', CustomKeyStoreId: 'CustomKeyStoreIdType', BypassPolicyLockoutSafetyCheck: 'BooleanType', Tags: 'TagList', MultiRegion: 'NullableBooleanType', XksKeyId: 'XksKeyIdType' }, required: [] },
  CreateKeyResponse: { type: 'structure', members: { KeyMetadata: 'KeyMetadata' }, required: [] },
  CustomKeyStoreIdType: { type: 'string', min: 1, max: 64 },
  CustomKeyStoreNameType: { type: 'string', min: 1, max: 256 },
  CustomKeyStoreType: { type: 'string', enum: ENUMS.CustomKeyStoreType },
  CustomKeyStoresList: { type: 'list', member: 'CustomKeyStoresListEntry' },
  CustomKeyStoresListEntry: { type: 'structure', members: { CustomKeyStoreId: 'CustomKeyStoreIdType', CustomKeyStoreName: 'CustomKeyStoreNameType', CloudHsmClusterId: 'CloudHsmClusterIdType', TrustAnchorCertificate: 'TrustAnchorCertificateType', ConnectionState: 'ConnectionStateType', ConnectionErrorCode: 'ConnectionErrorCodeType', CreationDate: 'DateType', CustomKeyStoreType: 'CustomKeyStoreType', XksProxyConfiguration: 'XksProxyConfigurationType' }, required: [] },
  CustomerMasterKeySpec: { type: 'string', enum: ENUMS.CustomerMasterKeySpec },
  DataKeyPairSpec: { type: 'string', enum: ENUMS.DataKeyPairSpec },
  DataKeySpec: { type: 'string', enum: ENUMS.DataKeySpec },
  DateType: { type: 'timestamp' },
  DecryptRequest: { type: 'structure', members: { CiphertextBlob: 'CiphertextType', EncryptionContext: 'EncryptionContextType', GrantTokens: 'GrantTokenList', KeyId: 'KeyIdType', EncryptionAlgorithm: 'EncryptionAlgorithmSpec', Recipient: 'RecipientInfo', DryRun: 'NullableBooleanType', DryRunModifiers: 'DryRunModifierList' }, required: [] },
  DecryptResponse: { type: 'structure', members: { KeyId: 'KeyIdType', Plaintext: 'PlaintextType', EncryptionAlgorithm: 'EncryptionAlgorithmSpec', CiphertextForRecipient: 'CiphertextType', KeyMaterialId: 'BackingKeyIdType' }, required: [] },
  DeleteAliasRequest: { type: 'structure', members: { AliasName: 'AliasNameType' }, required: ['AliasName'] },
  DeleteCustomKeyStoreRequest: { type: 'structure', members: { CustomKeyStoreId: 'CustomKeyStoreIdType' }, required: ['CustomKeyStoreId'] },
  DeleteCustomKeyStoreResponse: { type: 'structure', members: {  }, required: [] },
  DeleteImportedKeyMaterialRequest: { type: 'structure', members: { KeyId: 'KeyIdType', KeyMaterialId: 'BackingKeyIdType' }, required: ['KeyId'] },
  DeleteImportedKeyMaterialResponse: { type: 'structure', members: { KeyId: 'KeyIdType', KeyMaterialId: 'BackingKeyIdResponseType' }, required: [] },
  DeriveSharedSecretRequest: { type: 'structure', members: { KeyId: 'KeyIdType', KeyAgreementAlgorithm: 'KeyAgreementAlgorithmSpec', PublicKey: 'PublicKeyType', GrantTokens: 'GrantTokenList', DryRun: 'NullableBooleanType', Recipient: 'RecipientInfo' }, required: ['KeyId', 'KeyAgreementAlgorithm', 'PublicKey'] },
  DeriveSharedSecretResponse: { type: 'structure', members: { KeyId: 'KeyIdType', SharedSecret: 'PlaintextType', CiphertextForRecipient: 'CiphertextType', KeyAgreementAlgorithm: 'KeyAgreementAlgorithmSpec', KeyOrigin: 'OriginType' }, required: [] },
  DescribeCustomKeyStoresRequest: { type: 'structure', members: { CustomKeyStoreId: 'CustomKeyStoreIdType', CustomKeyStoreName: 'CustomKeyStoreNameType', Limit: 'LimitType', Marker: 'MarkerType' }, required: [] },
  DescribeCustomKeyStoresResponse: { type: 'structure', members: { CustomKeyStores: 'CustomKeyStoresList', NextMarker: 'MarkerType', Truncated: 'BooleanType' }, required: [] },
  DescribeKeyRequest: { type: 'structure', members: { KeyId: 'KeyIdType', GrantTokens: 'GrantTokenList' }, required: ['KeyId'] },
  DescribeKeyResponse: { type: 'structure', members: { KeyMetadata: 'KeyMetadata' }, required: [] },
  DescriptionType: { type: 'string', min: 0, max: 8192 },
  DisableKeyRequest: { type: 'structure', members: { KeyId: 'KeyIdType' }, required: ['KeyId'] },
  DisableKeyRotationRequest: { type: 'structure', members: { KeyId: 'KeyIdType' }, required: ['KeyId'] },
  DisconnectCustomKeyStoreRequest: { type: 'structure', members: { CustomKeyStoreId: 'CustomKeyStoreIdType' }, required: ['CustomKeyStoreId'] },
  DisconnectCustomKeyStoreResponse: { type: 'structure', members: {  }, required: [] },
  DryRunModifierList: { type: 'list', member: 'DryRunModifierType' },
  DryRunModifierType: { type: 'string', enum: ENUMS.DryRunModifierType },
  EnableKeyRequest: { type: 'structure', members: { KeyId: 'KeyIdType' }, required: ['KeyId'] },
  EnableKeyRotationRequest: { type: 'structure', members: { KeyId: 'KeyIdType', RotationPeriodInDays: 'RotationPeriodInDaysType' }, required: ['KeyId'] },
  EncryptRequest: { type: 'structure', members: { KeyId: 'KeyIdType', Plaintext: 'PlaintextType', EncryptionContext: 'EncryptionContextType', GrantTokens: 'GrantTokenList', EncryptionAlgorithm: 'EncryptionAlgorithmSpec', DryRun: 'NullableBooleanType' }, required: ['KeyId', 'Plaintext'] },
  EncryptResponse: { type: 'structure', members: { CiphertextBlob: 'CiphertextType', KeyId: 'KeyIdType', EncryptionAlgorithm: 'EncryptionAlgorithmSpec' }, required: [] },
  EncryptionAlgorithmSpec: { type: 'string', enum: ENUMS.EncryptionAlgorithmSpec },
  EncryptionAlgorithmSpecList: { type: 'list', member: 'EncryptionAlgorithmSpec' },
  EncryptionContextKey: { type: 'string' },
  EncryptionContextType: { type: 'map', key: 'EncryptionContextKey', value: 'EncryptionContextValue' },
  EncryptionContextValue: { type: 'string' },
  ExpirationModelType: { type: 'string', enum: ENUMS.ExpirationModelType },
  GenerateDataKeyPairRequest: { type: 'structure', members: { EncryptionContext: 'EncryptionContextType', KeyId: 'KeyIdType', KeyPairSpec: 'DataKeyPairSpec', GrantTokens: 'GrantTokenList', Recipient: 'RecipientInfo', DryRun: 'NullableBooleanType' }, required: ['KeyId', 'KeyPairSpec'] },
  GenerateDataKeyPairResponse: { type: 'structure', members: { PrivateKeyCiphertextBlob: 'CiphertextType', PrivateKeyPlaintext: 'PlaintextType', PublicKey: 'PublicKeyType', KeyId: 'KeyIdType', KeyPairSpec: 'DataKeyPairSpec', CiphertextForRecipient: 'CiphertextType', KeyMaterialId: 'BackingKeyIdType' }, required: [] },
  GenerateDataKeyPairWithoutPlaintextRequest: { type: 'structure', members: { EncryptionContext: 'EncryptionContextType', KeyId: 'KeyIdType', KeyPairSpec: 'DataKeyPairSpec', GrantTokens: 'GrantTokenList', DryRun: 'NullableBooleanType' }, required: ['KeyId', 'KeyPairSpec'] },
  GenerateDataKeyPairWithoutPlaintextResponse: { type: 'structure', members: { PrivateKeyCiphertextBlob: 'CiphertextType', PublicKey: 'PublicKeyType', KeyId: 'KeyIdType', KeyPairSpec: 'DataKeyPairSpec', KeyMaterialId: 'BackingKeyIdType' }, required: [] },
  GenerateDataKeyRequest: { type: 'structure', members: { KeyId: 'KeyIdType', EncryptionContext: 'EncryptionContextType', NumberOfBytes: 'NumberOfBytesType', KeySpec: 'DataKeySpec', GrantTokens: 'GrantTokenList', Recipient: 'RecipientInfo', DryRun: 'NullableBooleanType' }, required: ['KeyId'] },
  GenerateDataKeyResponse: { type: 'structure', members: { CiphertextBlob: 'CiphertextType', Plaintext: 'PlaintextType', KeyId: 'KeyIdType', CiphertextForRecipient: 'CiphertextType', KeyMaterialId: 'BackingKeyIdType' }, required: [] },
  GenerateDataKeyWithoutPlaintextRequest: { type: 'structure', members: { KeyId: 'KeyIdType', EncryptionContext: 'EncryptionContextType', KeySpec: 'DataKeySpec', NumberOfBytes: 'NumberOfBytesType', GrantTokens: 'GrantTokenList', DryRun: 'NullableBooleanType' }, required: ['KeyId'] },
  GenerateDataKeyWithoutPlaintextResponse: { type: 'structure', members: { CiphertextBlob: 'CiphertextType', KeyId: 'KeyIdType', KeyMaterialId: 'BackingKeyIdType' }, required: [] },
  GenerateMacRequest: { type: 'structure', members: { Message: 'PlaintextType', KeyId: 'KeyIdType', MacAlgorithm: 'MacAlgorithmSpec', GrantTokens: 'GrantTokenList', DryRun: 'NullableBooleanType' }, required: ['Message', 'KeyId', 'MacAlgorithm'] },
  GenerateMacResponse: { type: 'structure', members: { Mac: 'CiphertextType', MacAlgorithm: 'MacAlgorithmSpec', KeyId: 'KeyIdType' }, required: [] },
  GenerateRandomRequest: { type: 'structure', members: { NumberOfBytes: 'NumberOfBytesType', CustomKeyStoreId: 'CustomKeyStoreIdType', Recipient: 'RecipientInfo' }, required: [] },
  GenerateRandomResponse: { type: 'structure', members: { Plaintext: 'PlaintextType', CiphertextForRecipient: 'CiphertextType' }, required: [] },
  GetKeyLastUsageRequest: { type: 'structure', members: { KeyId: 'KeyIdType' }, required: ['KeyId'] },
  GetKeyLastUsageResponse: { type: 'structure', members: { KeyId: 'KeyIdType', KeyLastUsage: 'KeyLastUsageData', TrackingStartDate: 'DateType', KeyCreationDate: 'DateType' }, required: [] },
  GetKeyPolicyRequest: { type: 'structure', members: { KeyId: 'KeyIdType', PolicyName: 'PolicyNameType' }, required: ['KeyId'] },
  GetKeyPolicyResponse: { type: 'structure', members: { Policy: 'PolicyType', PolicyName: 'PolicyNameType' }, required: [] },
  GetKeyRotationStatusRequest: { type: 'structure', members: { KeyId: 'KeyIdType' }, required: ['KeyId'] },
  GetKeyRotationStatusResponse: { type: 'structure', members: { KeyRotationEnabled: 'BooleanType', KeyId: 'KeyIdType', RotationPeriodInDays: 'RotationPeriodInDaysType', NextRotationDate: 'DateType', OnDemandRotationStartDate: 'DateType' }, required: [] },
  GetParametersForImportRequest: { type: 'structure', members: { KeyId: 'KeyIdType', WrappingAlgorithm: 'AlgorithmSpec', WrappingKeySpec: 'WrappingKeySpec' }, required: ['KeyId', 'WrappingAlgorithm', 'WrappingKeySpec'] },
  GetParametersForImportResponse: { type: 'structure', members: { KeyId: 'KeyIdType', ImportToken: 'CiphertextType', PublicKey: 'PlaintextType', ParametersValidTo: 'DateType' }, required: [] },
  GetPublicKeyRequest: { type: 'structure', members: { KeyId: 'KeyIdType', GrantTokens: 'GrantTokenList' }, required: ['KeyId'] },
  GetPublicKeyResponse: { type: 'structure', members: { KeyId: 'KeyIdType', PublicKey: 'PublicKeyType', CustomerMasterKeySpec: 'CustomerMasterKeySpec', KeySpec: 'KeySpec', KeyUsage: 'KeyUsageType', EncryptionAlgorithms: 'EncryptionAlgorithmSpecList', SigningAlgorithms: 'SigningAlgorithmSpecList', KeyAgreementAlgorithms: 'KeyAgreementAlgorithmSpecList' }, required: [] },
  GrantConstraintSourceArnType: { type: 'string', min: 20, max: 512, pattern: '^arn:aws[a-z0-9-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{12}:.+$' },
  GrantConstraints: { type: 'structure', members: { EncryptionContextSubset: 'EncryptionContextType', EncryptionContextEquals: 'EncryptionContextType', SourceArn: 'GrantConstraintSourceArnType' }, required: [] },
  GrantIdType: { type: 'string', min: 1, max: 128 },
  GrantList: { type: 'list', member: 'GrantListEntry' },
  GrantListEntry: { type: 'structure', members: { KeyId: 'KeyIdType', GrantId: 'GrantIdType', Name: 'GrantNameType', CreationDate: 'DateType', GranteePrincipal: 'PrincipalIdType', RetiringPrincipal: 'PrincipalIdType', IssuingAccount: 'PrincipalIdType', Operations: 'GrantOperationList', Constraints: 'GrantConstraints', GranteeServicePrincipal: 'ServicePrincipalType', RetiringServicePrincipal: 'ServicePrincipalType' }, required: [] },
  GrantNameType: { type: 'string', min: 1, max: 256, pattern: '^[a-zA-Z0-9:/_-]+$' },
  GrantOperation: { type: 'string', enum: ENUMS.GrantOperation },
  GrantOperationList: { type: 'list', member: 'GrantOperation' },
  GrantTokenList: { type: 'list', member: 'GrantTokenType', min: 0, max: 10 },
  GrantTokenType: { type: 'string', min: 1, max: 8192 },
  ImportKeyMaterialRequest: { type: 'structure', members: { KeyId: 'KeyIdType', ImportToken: 'CiphertextType', EncryptedKeyMaterial: 'CiphertextType', ValidTo: 'DateType', ExpirationModel: 'ExpirationModelType', ImportType: 'ImportType', KeyMaterialDescription: 'KeyMaterialDescriptionType', KeyMaterialId: 'BackingKeyIdType' }, required: ['KeyId', 'ImportToken', 'EncryptedKeyMaterial'] },
  ImportKeyMaterialResponse: { type: 'structure', members: { KeyId: 'KeyIdType', KeyMaterialId: 'BackingKeyIdType' }, required: [] },
  ImportState: { type: 'string', enum: ENUMS.ImportState },
  ImportType: { type: 'string', enum: ENUMS.ImportType },
  IncludeKeyMaterial: { type: 'string', enum: ENUMS.IncludeKeyMaterial },
  KeyAgreementAlgorithmSpec: { type: 'string', enum: ENUMS.KeyAgreementAlgorithmSpec },
  KeyAgreementAlgorithmSpecList: { type: 'list', member: 'KeyAgreementAlgorithmSpec' },
  KeyEncryptionMechanism: { type: 'string', enum: ENUMS.KeyEncryptionMechanism },
  KeyIdType: { type: 'string', min: 1, max: 2048 },
  KeyLastUsageData: { type: 'structure', members: { Operation: 'KeyLastUsageTrackingOperation', Timestamp: 'DateType', CloudTrailEventId: 'CloudTrailEventIdType', KmsRequestId: 'KmsRequestIdType' }, required: [] },
  KeyLastUsageTrackingOperation: { type: 'string', enum: ENUMS.KeyLastUsageTrackingOperation },
  KeyList: { type: 'list', member: 'KeyListEntry' },
  KeyListEntry: { type: 'structure', members: { KeyId: 'KeyIdType', KeyArn: 'ArnType' }, required: [] },
  KeyManagerType: { type: 'string', enum: ENUMS.KeyManagerType },
  KeyMaterialDescriptionType: { type: 'string', min: 0, max: 256, pattern: '^[a-zA-Z0-9:/_\\s.-]+$' },
  KeyMaterialState: { type: 'string', enum: ENUMS.KeyMaterialState },
  KeyMetadata: { type: 'structure', members: { AWSAccountId: 'AWSAccountIdType', KeyId: 'KeyIdType', Arn: 'ArnType', CreationDate: 'DateType', Enabled: 'BooleanType', Description: 'DescriptionType', KeyUsage: 'KeyUsageType', KeyState: 'KeyState', DeletionDate: 'DateType', ValidTo: 'DateType', Origin: 'OriginType', CustomKeyStoreId: 'CustomKeyStoreIdType', CloudHsmClusterId: 'CloudHsmClusterIdType', ExpirationModel: 'ExpirationModelType', KeyManager: 'KeyManagerType', CustomerMasterKeySpec: 'CustomerMasterKeySpec', KeySpec: 'KeySpec', EncryptionAlgorithms: 'EncryptionAlgorithmSpecList', SigningAlgorithms: 'SigningAlgorithmSpecList', KeyAgreementAlgorithms: 'KeyAgreementAlgorithmSpecList', MultiRegion: 'NullableBooleanType', MultiRegionConfiguration: 'MultiRegionConfiguration', PendingDeletionWindowInDays: 'PendingWindowInDaysType', MacAlgorithms: 'MacAlgorithmSpecList', XksKeyConfiguration: 'XksKeyConfigurationType', CurrentKeyMaterialId: 'BackingKeyIdType' }, required: ['KeyId'] },
  KeySpec: { type: 'string', enum: ENUMS.KeySpec },
  KeyState: { type: 'string', enum: ENUMS.KeyState },
  KeyStorePasswordType: { type: 'string', min: 7, max: 32, sensitive: true },
  KeyUsageType: { type: 'string', enum: ENUMS.KeyUsageType },
  KmsRequestIdType: { type: 'string' },
  LimitType: { type: 'integer', min: 1, max: 1000 },
  ListAliasesRequest: { type: 'structure', members: { KeyId: 'KeyIdType', Limit: 'LimitType', Marker: 'MarkerType' }, required: [] },
  ListAliasesResponse: { type: 'structure', members: { Aliases: 'AliasList', NextMarker: 'MarkerType', Truncated: 'BooleanType' }, required: [] },
  ListGrantsRequest: { type: 'structure', members: { Limit: 'LimitType', Marker: 'MarkerType', KeyId: 'KeyIdType', GrantId: 'GrantIdType', GranteePrincipal: 'PrincipalIdType', GranteeServicePrincipal: 'ServicePrincipalType' }, required: ['KeyId'] },
  ListGrantsResponse: { type: 'structure', members: { Grants: 'GrantList', NextMarker: 'MarkerType', Truncated: 'BooleanType' }, required: [] },
  ListKeyPoliciesRequest: { type: 'structure', members: { KeyId: 'KeyIdType', Limit: 'LimitType', Marker: 'MarkerType' }, required: ['KeyId'] },
  ListKeyPoliciesResponse: { type: 'structure', members: { PolicyNames: 'PolicyNameList', NextMarker: 'MarkerType', Truncated: 'BooleanType' }, required: [] },
  ListKeyRotationsRequest: { type: 'structure', members: { KeyId: 'KeyIdType', IncludeKeyMaterial: 'IncludeKeyMaterial', Limit: 'LimitType', Marker: 'MarkerType' }, required: ['KeyId'] },
  ListKeyRotationsResponse: { type: 'structure', members: { Rotations: 'RotationsList', NextMarker: 'MarkerType', Truncated: 'BooleanType' }, required: [] },
  ListKeysRequest: { type: 'structure', members: { Limit: 'LimitType', Marker: 'MarkerType' }, required: [] },
  ListKeysResponse: { type: 'structure', members: { Keys: 'KeyList', NextMarker: 'MarkerType', Truncated: 'BooleanType' }, required: [] },
  ListResourceTagsRequest: { type: 'structure', members: { KeyId: 'KeyIdType', Limit: 'LimitType', Marker: 'MarkerType' }, required: ['KeyId'] },
  ListResourceTagsResponse: { type: 'structure', members: { Tags: 'TagList', NextMarker: 'MarkerType', Truncated: 'BooleanType' }, required: [] },
  ListRetirableGrantsRequest: { type: 'structure', members: { Limit: 'LimitType', Marker: 'MarkerType', RetiringPrincipal: 'PrincipalIdType', RetiringServicePrincipal: 'ServicePrincipalType' }, required: [] },
  MacAlgorithmSpec: { type: 'string', enum: ENUMS.MacAlgorithmSpec },
  MacAlgorithmSpecList: { type: 'list', member: 'MacAlgorithmSpec' },
  MarkerType: { type: 'string', min: 1, max: 1024, pattern: '[\\u0020-\\u00FF]*' },
  MessageType: { type: 'string', enum: ENUMS.MessageType },
  MultiRegionConfiguration: { type: 'structure', members: { MultiRegionKeyType: 'MultiRegionKeyType', PrimaryKey: 'MultiRegionKey', ReplicaKeys: 'MultiRegionKeyList' }, required: [] },
  MultiRegionKey: { type: 'structure', members: { Arn: 'ArnType', Region: 'RegionType' }, required: [] },
  MultiRegionKeyList: { type: 'list', member: 'MultiRegionKey' },
  MultiRegionKeyType: { type: 'string', enum: ENUMS.MultiRegionKeyType },
  NullableBooleanType: { type: 'boolean' },
  NumberOfBytesType: { type: 'integer', min: 1, max: 1024 },
  OriginType: { type: 'string', enum: ENUMS.OriginType },
  PendingWindowInDaysType: { type: 'integer', min: 1, max: 365 },
  PlaintextType: { type: 'blob', min: 1, max: 4096, sensitive: true },
  PolicyNameList: { type: 'list', member: 'PolicyNameType' },
  PolicyNameType: { type: 'string', min: 1, max: 128, pattern: '[\\w]+' },
  PolicyType: { type: 'string', min: 1, max: 131072, pattern: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+' },
  PrincipalIdType: { type: 'string', min: 1, max: 256, pattern: '^[\\w+=,.@:/-]+$' },
  PublicKeyType: { type: 'blob', min: 1, max: 8192 },
  PutKeyPolicyRequest: { type: 'structure', members: { KeyId: 'KeyIdType', PolicyName: 'PolicyNameType', Policy: 'PolicyType', BypassPolicyLockoutSafetyCheck: 'BooleanType' }, required: ['KeyId', 'Policy'] },
  ReEncryptRequest: { type: 'structure', members: { CiphertextBlob: 'CiphertextType', SourceEncryptionContext: 'EncryptionContextType', SourceKeyId: 'KeyIdType', DestinationKeyId: 'KeyIdType', DestinationEncryptionContext: 'EncryptionContextType', SourceEncryptionAlgorithm: 'EncryptionAlgorithmSpec', DestinationEncryptionAlgorithm: 'EncryptionAlgorithmSpec', GrantTokens: 'GrantTokenList', DryRun: 'NullableBooleanType', DryRunModifiers: 'DryRunModifierList' }, required: ['DestinationKeyId'] },
  ReEncryptResponse: { type: 'structure', members: { CiphertextBlob: 'CiphertextType', SourceKeyId: 'KeyIdType', KeyId: 'KeyIdType', SourceEncryptionAlgorithm: 'EncryptionAlgorithmSpec', DestinationEncryptionAlgorithm: 'EncryptionAlgorithmSpec', SourceKeyMaterialId: 'BackingKeyIdType', DestinationKeyMaterialId: 'BackingKeyIdType' }, required: [] },
  RecipientInfo: { type: 'structure', members: { KeyEncryptionAlgorithm: 'KeyEncryptionMechanism', AttestationDocument: 'AttestationDocumentType' }, required: [] },
  RegionType: { type: 'string', min: 1, max: 32, pattern: '^([a-z]+-){2,3}\\d+$' },
  ReplicateKeyRequest: { type: 'structure', members: { KeyId: 'KeyIdType', ReplicaRegion: 'RegionType', Policy: 'PolicyType', BypassPolicyLockoutSafetyCheck: 'BooleanType', Description: 'DescriptionType', Tags: 'TagList' }, required: ['KeyId', 'ReplicaRegion'] },
  ReplicateKeyResponse: { type: 'structure', members: { ReplicaKeyMetadata: 'KeyMetadata', ReplicaPolicy: 'PolicyType', ReplicaTags: 'TagList' }, required: [] },
  RetireGrantRequest: { type: 'structure', members: { GrantToken: 'GrantTokenType', KeyId: 'KeyIdType', GrantId: 'GrantIdType', DryRun: 'NullableBooleanType' }, required: [] },
  RevokeGrantRequest: { type: 'structure', members: { KeyId: 'KeyIdType', GrantId: 'GrantIdType', DryRun: 'NullableBooleanType' }, required: ['KeyId', 'GrantId'] },
  RotateKeyOnDemandRequest: { type: 'structure', members: { KeyId: 'KeyIdType' }, required: ['KeyId'] },
  RotateKeyOnDemandResponse: { type: 'structure', members: { KeyId: 'KeyIdType' }, required: [] },
  RotationPeriodInDaysType: { type: 'integer', min: 90, max: 2560 },
  RotationType: { type: 'string', enum: ENUMS.RotationType },
  RotationsList: { type: 'list', member: 'RotationsListEntry' },
  RotationsListEntry: { type: 'structure', members: { KeyId: 'KeyIdType', KeyMaterialId: 'BackingKeyIdType', KeyMaterialDescription: 'KeyMaterialDescriptionType', ImportState: 'ImportState', KeyMaterialState: 'KeyMaterialState', ExpirationModel: 'ExpirationModelType', ValidTo: 'DateType', RotationDate: 'DateType', RotationType: 'RotationType' }, required: [] },
  ScheduleKeyDeletionRequest: { type: 'structure', members: { KeyId: 'KeyIdType', PendingWindowInDays: 'PendingWindowInDaysType' }, required: ['KeyId'] },
  ScheduleKeyDeletionResponse: { type: 'structure', members: { KeyId: 'KeyIdType', DeletionDate: 'DateType', KeyState: 'KeyState', PendingWindowInDays: 'PendingWindowInDaysType' }, required: [] },
  ServicePrincipalType: { type: 'string', min: 1, max: 128, pattern: '^([A-Za-z0-9\\-]+)\\.([A-Za-z0-9\\-]+)(\\.[A-Za-z0-9\\-]+)+$' },
  SignRequest: { type: 'structure', members: { KeyId: 'KeyIdType', Message: 'PlaintextType', MessageType: 'MessageType', GrantTokens: 'GrantTokenList', SigningAlgorithm: 'SigningAlgorithmSpec', DryRun: 'NullableBooleanType' }, required: ['KeyId', 'Message', 'SigningAlgorithm'] },
  SignResponse: { type: 'structure', members: { KeyId: 'KeyIdType', Signature: 'CiphertextType', SigningAlgorithm: 'SigningAlgorithmSpec' }, required: [] },
  SigningAlgorithmSpec: { type: 'string', enum: ENUMS.SigningAlgorithmSpec },
  SigningAlgorithmSpecList: { type: 'list', member: 'SigningAlgorithmSpec' },
  Tag: { type: 'structure', members: { TagKey: 'TagKeyType', TagValue: 'TagValueType' }, required: ['TagKey', 'TagValue'] },
  TagKeyList: { type: 'list', member: 'TagKeyType' },
  TagKeyType: { type: 'string', min: 1, max: 128 },
  TagList: { type: 'list', member: 'Tag' },
  TagResourceRequest: { type: 'structure', members: { KeyId: 'KeyIdType', Tags: 'TagList' }, required: ['KeyId', 'Tags'] },
  TagValueType: { type: 'string', min: 0, max: 256 },
  TrustAnchorCertificateType: { type: 'string', min: 1, max: 5000 },
  UntagResourceRequest: { type: 'structure', members: { KeyId: 'KeyIdType', TagKeys: 'TagKeyList' }, required: ['KeyId', 'TagKeys'] },
  UpdateAliasRequest: { type: 'structure', members: { AliasName: 'AliasNameType', TargetKeyId: 'KeyIdType' }, required: ['AliasName', 'TargetKeyId'] },
  UpdateCustomKeyStoreRequest: { type: 'structure', members: { CustomKeyStoreId: 'CustomKeyStoreIdType', NewCustomKeyStoreName: 'CustomKeyStoreNameType', KeyStorePassword: 'KeyStorePasswordType', CloudHsmClusterId: 'CloudHsmClusterIdType', XksProxyUriEndpoint: 'XksProxyUriEndpointType', XksProxyUriPath: 'XksProxyUriPathType', XksProxyVpcEndpointServiceName: 'XksProxyVpcEndpointServiceNameType', XksProxyVpcEndpointServiceOwner: 'AccountIdType', XksProxyAuthenticationCredential: 'XksProxyAuthenticationCredentialType', XksProxyConnectivity: 'XksProxyConnectivityType' }, required: ['CustomKeyStoreId'] },
  UpdateCustomKeyStoreResponse: { type: 'structure', members: {  }, required: [] },
  UpdateKeyDescriptionRequest: { type: 'structure', members: { KeyId: 'KeyIdType', Description: 'DescriptionType' }, required: ['KeyId', 'Description'] },
  UpdatePrimaryRegionRequest: { type: 'structure', members: { KeyId: 'KeyIdType', PrimaryRegion: 'RegionType' }, required: ['KeyId', 'PrimaryRegion'] },
  VerifyMacRequest: { type: 'structure', members: { Message: 'PlaintextType', KeyId: 'KeyIdType', MacAlgorithm: 'MacAlgorithmSpec', Mac: 'CiphertextType', GrantTokens: 'GrantTokenList', DryRun: 'NullableBooleanType' }, required: ['Message', 'KeyId', 'MacAlgorithm', 'Mac'] },
  VerifyMacResponse: { type: 'structure', members: { KeyId: 'KeyIdType', MacValid: 'BooleanType', MacAlgorithm: 'MacAlgorithmSpec' }, required: [] },
  VerifyRequest: { type: 'structure', members: { KeyId: 'KeyIdType', Message: 'PlaintextType', MessageType: 'MessageType', Signature: 'CiphertextType', SigningAlgorithm: 'SigningAlgorithmSpec', GrantTokens: 'GrantTokenList', DryRun: 'NullableBooleanType' }, required: ['KeyId', 'Message', 'Signature', 'SigningAlgorithm'] },
  VerifyResponse: { type: 'structure', members: { KeyId: 'KeyIdType', SignatureValid: 'BooleanType', SigningAlgorithm: 'SigningAlgorithmSpec' }, required: [] },
  WrappingKeySpec: { type: 'string', enum: ENUMS.WrappingKeySpec },
  XksKeyConfigurationType: { type: 'structure', members: { Id: 'XksKeyIdType' }, required: [] },
  XksKeyIdType: { type: 'string', min: 1, max: 128, pattern: '^[a-zA-Z0-9-_.]+$' },
  XksProxyAuthenticationAccessKeyIdType: { type: 'string', min: 20, max: 30, pattern: '^[A-Z2-7]+$', sensitive: true },
  XksProxyAuthenticationCredentialType: { type: 'structure', members: { AccessKeyId: 'XksProxyAuthenticationAccessKeyIdType', RawSecretAccessKey: 'XksProxyAuthenticationRawSecretAccessKeyType' }, required: ['AccessKeyId', 'RawSecretAccessKey'] },
  XksProxyAuthenticationRawSecretAccessKeyType: { type: 'string', min: 43, max: 64, pattern: '^[a-zA-Z0-9\\/+=]+$', sensitive: true },
  XksProxyConfigurationType: { type: 'structure', members: { Connectivity: 'XksProxyConnectivityType', AccessKeyId: 'XksProxyAuthenticationAccessKeyIdType', UriEndpoint: 'XksProxyUriEndpointType', UriPath: 'XksProxyUriPathType', VpcEndpointServiceName: 'XksProxyVpcEndpointServiceNameType', VpcEndpointServiceOwner: 'AccountIdType' }, required: [] },
  XksProxyConnectivityType: { type: 'string', enum: ENUMS.XksProxyConnectivityType },
  XksProxyUriEndpointType: { type: 'string', min: 10, max: 128, pattern: '^https://[a-zA-Z0-9.-]+$' },
  XksProxyUriPathType: { type: 'string', min: 10, max: 128, pattern: '^(/[a-zA-Z0-9\\/_-]+/kms/xks/v\\d{1,2})$|^(/kms/xks/v\\d{1,2})$' },
  XksProxyVpcEndpointServiceNameType: { type: 'string', min: 20, max: 64, pattern: '^(com|eu)\\.amazonaws\\.vpce\\.([a-z]+-){2,3}\\d+\\.vpce-svc-[0-9a-z]+$' },
};

export type OperationName =
  | 'CancelKeyDeletion'
  | 'ConnectCustomKeyStore'
  | 'CreateAlias'
  | 'CreateCustomKeyStore'
  | 'CreateGrant'
  | 'CreateKey'
  | 'Decrypt'
  | 'DeleteAlias'
  | 'DeleteCustomKeyStore'
  | 'DeleteImportedKeyMaterial'
  | 'DeriveSharedSecret'
  | 'DescribeCustomKeyStores'
  | 'DescribeKey'
  | 'DisableKey'
  | 'DisableKeyRotation'
  | 'DisconnectCustomKeyStore'
  | 'EnableKey'
  | 'EnableKeyRotation'
  | 'Encrypt'
  | 'GenerateDataKey'
  | 'GenerateDataKeyPair'
  | 'GenerateDataKeyPairWithoutPlaintext'
  | 'GenerateDataKeyWithoutPlaintext'
  | 'GenerateMac'
  | 'GenerateRandom'
  | 'GetKeyLastUsage'
  | 'GetKeyPolicy'
  | 'GetKeyRotationStatus'
  | 'GetParametersForImport'
  | 'GetPublicKey'
  | 'ImportKeyMaterial'
  | 'ListAliases'
  | 'ListGrants'
  | 'ListKeyPolicies'
  | 'ListKeyRotations'
  | 'ListKeys'
  | 'ListResourceTags'
  | 'ListRetirableGrants'
  | 'PutKeyPolicy'
  | 'ReEncrypt'
  | 'ReplicateKey'
  | 'RetireGrant'
  | 'RevokeGrant'
  | 'RotateKeyOnDemand'
  | 'ScheduleKeyDeletion'
  | 'Sign'
  | 'TagResource'
  | 'UntagResource'
  | 'UpdateAlias'
  | 'UpdateCustomKeyStore'
  | 'UpdateKeyDescription'
  | 'UpdatePrimaryRegion'
  | 'Verify'
  | 'VerifyMac';

export const OPERATION_NAMES: readonly OperationName[] = [
  'CancelKeyDeletion',
  'ConnectCustomKeyStore',
  'CreateAlias',
  'CreateCustomKeyStore',
  'CreateGrant',
  'CreateKey',
  'Decrypt',
  'DeleteAlias',
  'DeleteCustomKeyStore',
  'DeleteImportedKeyMaterial',
  'DeriveSharedSecret',
  'DescribeCustomKeyStores',
  'DescribeKey',
  'DisableKey',
  'DisableKeyRotation',
  'DisconnectCustomKeyStore',
  'EnableKey',
  'EnableKeyRotation',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateMac',
  'GenerateRandom',
  'GetKeyLastUsage',
  'GetKeyPolicy',
  'GetKeyRotationStatus',
  'GetParametersForImport',
  'GetPublicKey',
  'ImportKeyMaterial',
  'ListAliases',
  'ListGrants',
  'ListKeyPolicies',
  'ListKeyRotations',
  'ListKeys',
  'ListResourceTags',
  'ListRetirableGrants',
  'PutKeyPolicy',
  'ReEncrypt',
  'ReplicateKey',
  'RetireGrant',
  'RevokeGrant',
  'RotateKeyOnDemand',
  'ScheduleKeyDeletion',
  'Sign',
  'TagResource',
  'UntagResource',
  'UpdateAlias',
  'UpdateCustomKeyStore',
  'UpdateKeyDescription',
  'UpdatePrimaryRegion',
  'Verify',
  'VerifyMac',
];

export interface OperationDef {
  /** input structure shape name */
  readonly input: string | null;
  /** output structure shape name; null when the operation answers with an empty body */
  readonly output: string | null;
  /** modelled exception shape names, in model order */
  readonly errors: readonly string[];
}

export const OPERATIONS: Readonly<Record<OperationName, OperationDef>> = {
  CancelKeyDeletion: { input: 'CancelKeyDeletionRequest', output: 'CancelKeyDeletionResponse', errors: ['NotFoundException', 'InvalidArnException', 'DependencyTimeoutException', 'KMSInternalException', 'KMSInvalidStateException'] },
  ConnectCustomKeyStore: { input: 'ConnectCustomKeyStoreRequest', output: 'ConnectCustomKeyStoreResponse', errors: ['CloudHsmClusterNotActiveException', 'CustomKeyStoreInvalidStateException', 'CustomKeyStoreNotFoundException', 'KMSInternalException', 'CloudHsmClusterInvalidConfigurationException'] },
  CreateAlias: { input: 'CreateAliasRequest', output: null, errors: ['DependencyTimeoutException', 'AlreadyExistsException', 'NotFoundException', 'InvalidAliasNameException', 'KMSInternalException', 'LimitExceededException', 'KMSInvalidStateException'] },
  CreateCustomKeyStore: { input: 'CreateCustomKeyStoreRequest', output: 'CreateCustomKeyStoreResponse', errors: ['CloudHsmClusterInUseException', 'CustomKeyStoreNameInUseException', 'CloudHsmClusterNotFoundException', 'KMSInternalException', 'CloudHsmClusterNotActiveException', 'IncorrectTrustAnchorException', 'CloudHsmClusterInvalidConfigurationException', 'LimitExceededException', 'XksProxyUriInUseException', 'XksProxyUriEndpointInUseException', 'XksProxyUriUnreachableException', 'XksProxyIncorrectAuthenticationCredentialException', 'XksProxyVpcEndpointServiceInUseException', 'XksProxyVpcEndpointServiceNotFoundException', 'XksProxyVpcEndpointServiceInvalidConfigurationException', 'XksProxyInvalidResponseException', 'XksProxyInvalidConfigurationException'] },
  CreateGrant: { input: 'CreateGrantRequest', output: 'CreateGrantResponse', errors: ['NotFoundException', 'DisabledException', 'DependencyTimeoutException', 'InvalidArnException', 'KMSInternalException', 'InvalidGrantTokenException', 'LimitExceededException', 'KMSInvalidStateException', 'DryRunOperationException'] },
  CreateKey: { input: 'CreateKeyRequest', output: 'CreateKeyResponse', errors: ['MalformedPolicyDocumentException', 'DependencyTimeoutException', 'InvalidArnException', 'UnsupportedOperationException', 'KMSInternalException', 'LimitExceededException', 'TagException', 'CustomKeyStoreNotFoundException', 'CustomKeyStoreInvalidStateException', 'CloudHsmClusterInvalidConfigurationException', 'XksKeyInvalidConfigurationException', 'XksKeyAlreadyInUseException', 'XksKeyNotFoundException'] },
  Decrypt: { input: 'DecryptRequest', output: 'DecryptResponse', errors: ['NotFoundException', 'DisabledException', 'InvalidCiphertextException', 'KeyUnavailableException', 'IncorrectKeyException', 'InvalidKeyUsageException', 'DependencyTimeoutException', 'InvalidGrantTokenException', 'KMSInternalException', 'KMSInvalidStateException', 'DryRunOperationException'] },
  DeleteAlias: { input: 'DeleteAliasRequest', output: null, errors: ['DependencyTimeoutException', 'NotFoundException', 'KMSInternalException', 'KMSInvalidStateException'] },
  DeleteCustomKeyStore: { input: 'DeleteCustomKeyStoreRequest', output: 'DeleteCustomKeyStoreResponse', errors: ['CustomKeyStoreHasCMKsException', 'CustomKeyStoreInvalidStateException', 'CustomKeyStoreNotFoundException', 'KMSInternalException'] },
  DeleteImportedKeyMaterial: { input: 'DeleteImportedKeyMaterialRequest', output: 'DeleteImportedKeyMaterialResponse', errors: ['InvalidArnException', 'UnsupportedOperationException', 'DependencyTimeoutException', 'NotFoundException', 'KMSInternalException', 'KMSInvalidStateException'] },
  DeriveSharedSecret: { input: 'DeriveSharedSecretRequest', output: 'DeriveSharedSecretResponse', errors: ['NotFoundException', 'DisabledException', 'KeyUnavailableException', 'DependencyTimeoutException', 'InvalidGrantTokenException', 'InvalidKeyUsageException', 'KMSInternalException', 'KMSInvalidStateException', 'DryRunOperationException'] },
  DescribeCustomKeyStores: { input: 'DescribeCustomKeyStoresRequest', output: 'DescribeCustomKeyStoresResponse', errors: ['CustomKeyStoreNotFoundException', 'InvalidMarkerException', 'KMSInternalException'] },
  DescribeKey: { input: 'DescribeKeyRequest', output: 'DescribeKeyResponse', errors: ['NotFoundException', 'InvalidArnException', 'DependencyTimeoutException', 'KMSInternalException'] },
  DisableKey: { input: 'DisableKeyRequest', output: null, errors: ['NotFoundException', 'InvalidArnException', 'DependencyTimeoutException', 'KMSInternalException', 'KMSInvalidStateException'] },
  DisableKeyRotation: { input: 'DisableKeyRotationRequest', output: null, errors: ['NotFoundException', 'DisabledException', 'InvalidArnException', 'DependencyTimeoutException', 'KMSInternalException', 'KMSInvalidStateException', 'UnsupportedOperationException'] },
  DisconnectCustomKeyStore: { input: 'DisconnectCustomKeyStoreRequest', output: 'DisconnectCustomKeyStoreResponse', errors: ['CustomKeyStoreInvalidStateException', 'CustomKeyStoreNotFoundException', 'KMSInternalException'] },
  EnableKey: { input: 'EnableKeyRequest', output: null, errors: ['NotFoundException', 'InvalidArnException', 'DependencyTimeoutException', 'KMSInternalException', 'LimitExceededException', 'KMSInvalidStateException'] },
  EnableKeyRotation: { input: 'EnableKeyRotationRequest', output: null, errors: ['NotFoundException', 'DisabledException', 'InvalidArnException', 'DependencyTimeoutException', 'KMSInternalException', 'KMSInvalidStateException', 'UnsupportedOperationException'] },
  Encrypt: { input: 'EncryptRequest', output: 'EncryptResponse', errors: ['NotFoundException', 'DisabledException', 'KeyUnavailableException', 'DependencyTimeoutException', 'InvalidKeyUsageException', 'InvalidGrantTokenException', 'KMSInternalException', 'KMSInvalidStateException', 'DryRunOperationException'] },
  GenerateDataKey: { input: 'GenerateDataKeyRequest', output: 'GenerateDataKeyResponse', errors: ['NotFoundException', 'DisabledException', 'KeyUnavailableException', 'DependencyTimeoutException', 'InvalidKeyUsageException', 'InvalidGrantTokenException', 'KMSInternalException', 'KMSInvalidStateException', 'DryRunOperationException'] },
  GenerateDataKeyPair: { input: 'GenerateDataKeyPairRequest', output: 'GenerateDataKeyPairResponse', errors: ['NotFoundException', 'DisabledException', 'KeyUnavailableException', 'DependencyTimeoutException', 'InvalidKeyUsageException', 'InvalidGrantTokenException', 'KMSInternalException', 'KMSInvalidStateException', 'UnsupportedOperationException', 'DryRunOperationException'] },
  GenerateDataKeyPairWithoutPlaintext: { input: 'GenerateDataKeyPairWithoutPlaintextRequest', output: 'GenerateDataKeyPairWithoutPlaintextResponse', errors: ['NotFoundException', 'DisabledException', 'KeyUnavailableException', 'DependencyTimeoutException', 'InvalidKeyUsageException', 'InvalidGrantTokenException', 'KMSInternalException', 'KMSInvalidStateException', 'UnsupportedOperationException', 'DryRunOperationException'] },
  GenerateDataKeyWithoutPlaintext: { input: 'GenerateDataKeyWithoutPlaintextRequest', output: 'GenerateDataKeyWithoutPlaintextResponse', errors: ['NotFoundException', 'DisabledException', 'KeyUnavailableException', 'DependencyTimeoutException', 'InvalidKeyUsageException', 'InvalidGrantTokenException', 'KMSInternalException', 'KMSInvalidStateException', 'DryRunOperationException'] },
  GenerateMac: { input: 'GenerateMacRequest', output: 'GenerateMacResponse', errors: ['NotFoundException', 'DisabledException', 'KeyUnavailableException', 'InvalidKeyUsageException', 'InvalidGrantTokenException', 'KMSInternalException', 'KMSInvalidStateException', 'DryRunOperationException'] },
  GenerateRandom: { input: 'GenerateRandomRequest', output: 'GenerateRandomResponse', errors: ['DependencyTimeoutException', 'KMSInternalException', 'UnsupportedOperationException', 'CustomKeyStoreNotFoundException', 'CustomKeyStoreInvalidStateException'] },
  GetKeyLastUsage: { input: 'GetKeyLastUsageRequest', output: 'GetKeyLastUsageResponse', errors: ['NotFoundException', 'InvalidArnException', 'DependencyTimeoutException', 'KMSInternalException'] },
  GetKeyPolicy: { input: 'GetKeyPolicyRequest', output: 'GetKeyPolicyResponse', errors: ['NotFoundException', 'InvalidArnException', 'DependencyTimeoutException', 'KMSInternalException', 'KMSInvalidStateException'] },
  GetKeyRotationStatus: { input: 'GetKeyRotationStatusRequest', output: 'GetKeyRotationStatusResponse', errors: ['NotFoundException', 'InvalidArnException', 'DependencyTimeoutException', 'KMSInternalException', 'KMSInvalidStateException', 'UnsupportedOperationException'] },
  GetParametersForImport: { input: 'GetParametersForImportRequest', output: 'GetParametersForImportResponse', errors: ['InvalidArnException', 'UnsupportedOperationException', 'DependencyTimeoutException', 'NotFoundException', 'KMSInternalException', 'KMSInvalidStateException'] },
  GetPublicKey: { input: 'GetPublicKeyRequest', output: 'GetPublicKeyResponse', errors: ['NotFoundException', 'DisabledException', 'KeyUnavailableException', 'DependencyTimeoutException', 'UnsupportedOperationException', 'InvalidArnException', 'InvalidGrantTokenException', 'InvalidKeyUsageException', 'KMSInternalException', 'KMSInvalidStateException'] },
  ImportKeyMaterial: { input: 'ImportKeyMaterialRequest', output: 'ImportKeyMaterialResponse', errors: ['InvalidArnException', 'UnsupportedOperationException', 'DependencyTimeoutException', 'NotFoundException', 'KMSInternalException', 'KMSInvalidStateException', 'InvalidCiphertextException', 'IncorrectKeyMaterialException', 'ExpiredImportTokenException', 'InvalidImportTokenException'] },
  ListAliases: { input: 'ListAliasesRequest', output: 'ListAliasesResponse', errors: ['DependencyTimeoutException', 'InvalidMarkerException', 'KMSInternalException', 'InvalidArnException', 'NotFoundException'] },
  ListGrants: { input: 'ListGrantsRequest', output: 'ListGrantsResponse', errors: ['NotFoundException', 'DependencyTimeoutException', 'InvalidMarkerException', 'InvalidGrantIdException', 'InvalidArnException', 'KMSInternalException', 'KMSInvalidStateException'] },
  ListKeyPolicies: { input: 'ListKeyPoliciesRequest', output: 'ListKeyPoliciesResponse', errors: ['NotFoundException', 'InvalidArnException', 'DependencyTimeoutException', 'KMSInternalException', 'KMSInvalidStateException'] },
  ListKeyRotations: { input: 'ListKeyRotationsRequest', output: 'ListKeyRotationsResponse', errors: ['NotFoundException', 'InvalidArnException', 'InvalidMarkerException', 'KMSInternalException', 'KMSInvalidStateException', 'UnsupportedOperationException'] },
  ListKeys: { input: 'ListKeysRequest', output: 'ListKeysResponse', errors: ['DependencyTimeoutException', 'KMSInternalException', 'InvalidMarkerException'] },
  ListResourceTags: { input: 'ListResourceTagsRequest', output: 'ListResourceTagsResponse', errors: ['KMSInternalException', 'NotFoundException', 'InvalidArnException', 'InvalidMarkerException'] },
  ListRetirableGrants: { input: 'ListRetirableGrantsRequest', output: 'ListGrantsResponse', errors: ['DependencyTimeoutException', 'InvalidMarkerException', 'InvalidArnException', 'NotFoundException', 'KMSInternalException'] },
  PutKeyPolicy: { input: 'PutKeyPolicyRequest', output: null, errors: ['NotFoundException', 'InvalidArnException', 'MalformedPolicyDocumentException', 'DependencyTimeoutException', 'UnsupportedOperationException', 'KMSInternalException', 'LimitExceededException', 'KMSInvalidStateException'] },
  ReEncrypt: { input: 'ReEncryptRequest', output: 'ReEncryptResponse', errors: ['NotFoundException', 'DisabledException', 'InvalidCiphertextException', 'KeyUnavailableException', 'IncorrectKeyException', 'DependencyTimeoutException', 'InvalidKeyUsageException', 'InvalidGrantTokenException', 'KMSInternalException', 'KMSInvalidStateException', 'DryRunOperationException'] },
  ReplicateKey: { input: 'ReplicateKeyRequest', output: 'ReplicateKeyResponse', errors: ['AlreadyExistsException', 'DisabledException', 'InvalidArnException', 'KMSInvalidStateException', 'KMSInternalException', 'LimitExceededException', 'MalformedPolicyDocumentException', 'NotFoundException', 'TagException', 'UnsupportedOperationException'] },
  RetireGrant: { input: 'RetireGrantRequest', output: null, errors: ['InvalidArnException', 'InvalidGrantTokenException', 'InvalidGrantIdException', 'NotFoundException', 'DependencyTimeoutException', 'KMSInternalException', 'KMSInvalidStateException', 'DryRunOperationException'] },
  RevokeGrant: { input: 'RevokeGrantRequest', output: null, errors: ['NotFoundException', 'DependencyTimeoutException', 'InvalidArnException', 'InvalidGrantIdException', 'KMSInternalException', 'KMSInvalidStateException', 'DryRunOperationException'] },
  RotateKeyOnDemand: { input: 'RotateKeyOnDemandRequest', output: 'RotateKeyOnDemandResponse', errors: ['NotFoundException', 'DisabledException', 'InvalidArnException', 'DependencyTimeoutException', 'KMSInternalException', 'KMSInvalidStateException', 'UnsupportedOperationException', 'LimitExceededException', 'ConflictException'] },
  ScheduleKeyDeletion: { input: 'ScheduleKeyDeletionRequest', output: 'ScheduleKeyDeletionResponse', errors: ['NotFoundException', 'InvalidArnException', 'DependencyTimeoutException', 'KMSInternalException', 'KMSInvalidStateException'] },
  Sign: { input: 'SignRequest', output: 'SignResponse', errors: ['NotFoundException', 'DisabledException', 'KeyUnavailableException', 'DependencyTimeoutException', 'InvalidKeyUsageException', 'InvalidGrantTokenException', 'KMSInternalException', 'KMSInvalidStateException', 'DryRunOperationException'] },
  TagResource: { input: 'TagResourceRequest', output: null, errors: ['KMSInternalException', 'NotFoundException', 'InvalidArnException', 'KMSInvalidStateException', 'LimitExceededException', 'TagException'] },
  UntagResource: { input: 'UntagResourceRequest', output: null, errors: ['KMSInternalException', 'NotFoundException', 'InvalidArnException', 'KMSInvalidStateException', 'TagException'] },
  UpdateAlias: { input: 'UpdateAliasRequest', output: null, errors: ['DependencyTimeoutException', 'NotFoundException', 'KMSInternalException', 'LimitExceededException', 'KMSInvalidStateException'] },
  UpdateCustomKeyStore: { input: 'UpdateCustomKeyStoreRequest', output: 'UpdateCustomKeyStoreResponse', errors: ['CustomKeyStoreNotFoundException', 'CustomKeyStoreNameInUseException', 'CloudHsmClusterNotFoundException', 'CloudHsmClusterNotRelatedException', 'CustomKeyStoreInvalidStateException', 'KMSInternalException', 'CloudHsmClusterNotActiveException', 'CloudHsmClusterInvalidConfigurationException', 'XksProxyUriInUseException', 'XksProxyUriEndpointInUseException', 'XksProxyUriUnreachableException', 'XksProxyIncorrectAuthenticationCredentialException', 'XksProxyVpcEndpointServiceInUseException', 'XksProxyVpcEndpointServiceNotFoundException', 'XksProxyVpcEndpointServiceInvalidConfigurationException', 'XksProxyInvalidResponseException', 'XksProxyInvalidConfigurationException'] },
  UpdateKeyDescription: { input: 'UpdateKeyDescriptionRequest', output: null, errors: ['NotFoundException', 'InvalidArnException', 'DependencyTimeoutException', 'KMSInternalException', 'KMSInvalidStateException'] },
  UpdatePrimaryRegion: { input: 'UpdatePrimaryRegionRequest', output: null, errors: ['DisabledException', 'InvalidArnException', 'KMSInvalidStateException', 'KMSInternalException', 'NotFoundException', 'UnsupportedOperationException'] },
  Verify: { input: 'VerifyRequest', output: 'VerifyResponse', errors: ['NotFoundException', 'DisabledException', 'KeyUnavailableException', 'DependencyTimeoutException', 'InvalidKeyUsageException', 'InvalidGrantTokenException', 'KMSInternalException', 'KMSInvalidStateException', 'KMSInvalidSignatureException', 'DryRunOperationException'] },
  VerifyMac: { input: 'VerifyMacRequest', output: 'VerifyMacResponse', errors: ['NotFoundException', 'DisabledException', 'KeyUnavailableException', 'InvalidKeyUsageException', 'InvalidGrantTokenException', 'KMSInternalException', 'KMSInvalidMacException', 'KMSInvalidStateException', 'DryRunOperationException'] },
};

// ---- Structures ----

export interface AliasListEntry {
  AliasName?: string;
  AliasArn?: string;
  TargetKeyId?: string;
  CreationDate?: number;
  LastUpdatedDate?: number;
}

export interface CancelKeyDeletionRequest {
  KeyId: string;
}

export interface CancelKeyDeletionResponse {
  KeyId?: string;
}

export interface ConnectCustomKeyStoreRequest {
  CustomKeyStoreId: string;
}

export interface ConnectCustomKeyStoreResponse {
}

export interface CreateAliasRequest {
  AliasName: string;
  TargetKeyId: string;
}

export interface CreateCustomKeyStoreRequest {
  CustomKeyStoreName: string;
  CloudHsmClusterId?: string;
  TrustAnchorCertificate?: string;
  KeyStorePassword?: string;
  CustomKeyStoreType?: CustomKeyStoreType;
  XksProxyUriEndpoint?: string;
  XksProxyUriPath?: string;
  XksProxyVpcEndpointServiceName?: string;
  XksProxyVpcEndpointServiceOwner?: string;
  XksProxyAuthenticationCredential?: XksProxyAuthenticationCredentialType;
  XksProxyConnectivity?: XksProxyConnectivityType;
}

export interface CreateCustomKeyStoreResponse {
  CustomKeyStoreId?: string;
}

export interface CreateGrantRequest {
  KeyId: string;
  GranteePrincipal?: string;
  RetiringPrincipal?: string;
  Operations: GrantOperation[];
  Constraints?: GrantConstraints;
  GrantTokens?: string[];
  Name?: string;
  DryRun?: boolean;
  GranteeServicePrincipal?: string;
  RetiringServicePrincipal?: string;
}

export interface CreateGrantResponse {
  GrantToken?: string;
  GrantId?: string;
}

export interface CreateKeyRequest {
  Policy?: string;
  Description?: string;
  KeyUsage?: KeyUsageType;
  /** @deprecated */
  CustomerMasterKeySpec?: CustomerMasterKeySpec;
  KeySpec?: KeySpec;
  Origin?: OriginType;
  CustomKeyStoreId?: string;
  BypassPolicyLockoutSafetyCheck?: boolean;
  Tags?: Tag[];
  MultiRegion?: boolean;
  XksKeyId?: string;
}

export interface CreateKeyResponse {
  KeyMetadata?: KeyMetadata;
}

export interface CustomKeyStoresListEntry {
  CustomKeyStoreId?: string;
  CustomKeyStoreName?: string;
  CloudHsmClusterId?: string;
  TrustAnchorCertificate?: string;
  ConnectionState?: ConnectionStateType;
  ConnectionErrorCode?: ConnectionErrorCodeType;
  CreationDate?: number;
  CustomKeyStoreType?: CustomKeyStoreType;
  XksProxyConfiguration?: XksProxyConfigurationType;
}

export interface DecryptRequest {
  CiphertextBlob?: string;
  EncryptionContext?: Record<string, string>;
  GrantTokens?: string[];
  KeyId?: string;
  EncryptionAlgorithm?: EncryptionAlgorithmSpec;
  Recipient?: RecipientInfo;
  DryRun?: boolean;
  DryRunModifiers?: DryRunModifierType[];
}

export interface DecryptResponse {
  KeyId?: string;
  Plaintext?: string;
  EncryptionAlgorithm?: EncryptionAlgorithmSpec;
  CiphertextForRecipient?: string;
  KeyMaterialId?: string;
}

export interface DeleteAliasRequest {
  AliasName: string;
}

export interface DeleteCustomKeyStoreRequest {
  CustomKeyStoreId: string;
}

export interface DeleteCustomKeyStoreResponse {
}

export interface DeleteImportedKeyMaterialRequest {
  KeyId: string;
  KeyMaterialId?: string;
}

export interface DeleteImportedKeyMaterialResponse {
  KeyId?: string;
  KeyMaterialId?: string;
}

export interface DeriveSharedSecretRequest {
  KeyId: string;
  KeyAgreementAlgorithm: KeyAgreementAlgorithmSpec;
  PublicKey: string;
  GrantTokens?: string[];
  DryRun?: boolean;
  Recipient?: RecipientInfo;
}

export interface DeriveSharedSecretResponse {
  KeyId?: string;
  SharedSecret?: string;
  CiphertextForRecipient?: string;
  KeyAgreementAlgorithm?: KeyAgreementAlgorithmSpec;
  KeyOrigin?: OriginType;
}

export interface DescribeCustomKeyStoresRequest {
  CustomKeyStoreId?: string;
  CustomKeyStoreName?: string;
  Limit?: number;
  Marker?: string;
}

export interface DescribeCustomKeyStoresResponse {
  CustomKeyStores?: CustomKeyStoresListEntry[];
  NextMarker?: string;
  Truncated?: boolean;
}

export interface DescribeKeyRequest {
  KeyId: string;
  GrantTokens?: string[];
}

export interface DescribeKeyResponse {
  KeyMetadata?: KeyMetadata;
}

export interface DisableKeyRequest {
  KeyId: string;
}

export interface DisableKeyRotationRequest {
  KeyId: string;
}

export interface DisconnectCustomKeyStoreRequest {
  CustomKeyStoreId: string;
}

export interface DisconnectCustomKeyStoreResponse {
}

export interface EnableKeyRequest {
  KeyId: string;
}

export interface EnableKeyRotationRequest {
  KeyId: string;
  RotationPeriodInDays?: number;
}

export interface EncryptRequest {
  KeyId: string;
  Plaintext: string;
  EncryptionContext?: Record<string, string>;
  GrantTokens?: string[];
  EncryptionAlgorithm?: EncryptionAlgorithmSpec;
  DryRun?: boolean;
}

export interface EncryptResponse {
  CiphertextBlob?: string;
  KeyId?: string;
  EncryptionAlgorithm?: EncryptionAlgorithmSpec;
}

export interface GenerateDataKeyPairRequest {
  EncryptionContext?: Record<string, string>;
  KeyId: string;
  KeyPairSpec: DataKeyPairSpec;
  GrantTokens?: string[];
  Recipient?: RecipientInfo;
  DryRun?: boolean;
}

export interface GenerateDataKeyPairResponse {
  PrivateKeyCiphertextBlob?: string;
  PrivateKeyPlaintext?: string;
  PublicKey?: string;
  KeyId?: string;
  KeyPairSpec?: DataKeyPairSpec;
  CiphertextForRecipient?: string;
  KeyMaterialId?: string;
}

export interface GenerateDataKeyPairWithoutPlaintextRequest {
  EncryptionContext?: Record<string, string>;
  KeyId: string;
  KeyPairSpec: DataKeyPairSpec;
  GrantTokens?: string[];
  DryRun?: boolean;
}

export interface GenerateDataKeyPairWithoutPlaintextResponse {
  PrivateKeyCiphertextBlob?: string;
  PublicKey?: string;
  KeyId?: string;
  KeyPairSpec?: DataKeyPairSpec;
  KeyMaterialId?: string;
}

export interface GenerateDataKeyRequest {
  KeyId: string;
  EncryptionContext?: Record<string, string>;
  NumberOfBytes?: number;
  KeySpec?: DataKeySpec;
  GrantTokens?: string[];
  Recipient?: RecipientInfo;
  DryRun?: boolean;
}

export interface GenerateDataKeyResponse {
  CiphertextBlob?: string;
  Plaintext?: string;
  KeyId?: string;
  CiphertextForRecipient?: string;
  KeyMaterialId?: string;
}

export interface GenerateDataKeyWithoutPlaintextRequest {
  KeyId: string;
  EncryptionContext?: Record<string, string>;
  KeySpec?: DataKeySpec;
  NumberOfBytes?: number;
  GrantTokens?: string[];
  DryRun?: boolean;
}

export interface GenerateDataKeyWithoutPlaintextResponse {
  CiphertextBlob?: string;
  KeyId?: string;
  KeyMaterialId?: string;
}

export interface GenerateMacRequest {
  Message: string;
  KeyId: string;
  MacAlgorithm: MacAlgorithmSpec;
  GrantTokens?: string[];
  DryRun?: boolean;
}

export interface GenerateMacResponse {
  Mac?: string;
  MacAlgorithm?: MacAlgorithmSpec;
  KeyId?: string;
}

export interface GenerateRandomRequest {
  NumberOfBytes?: number;
  CustomKeyStoreId?: string;
  Recipient?: RecipientInfo;
}

export interface GenerateRandomResponse {
  Plaintext?: string;
  CiphertextForRecipient?: string;
}

export interface GetKeyLastUsageRequest {
  KeyId: string;
}

export interface GetKeyLastUsageResponse {
  KeyId?: string;
  KeyLastUsage?: KeyLastUsageData;
  TrackingStartDate?: number;
  KeyCreationDate?: number;
}

export interface GetKeyPolicyRequest {
  KeyId: string;
  PolicyName?: string;
}

export interface GetKeyPolicyResponse {
  Policy?: string;
  PolicyName?: string;
}

export interface GetKeyRotationStatusRequest {
  KeyId: string;
}

export interface GetKeyRotationStatusResponse {
  KeyRotationEnabled?: boolean;
  KeyId?: string;
  RotationPeriodInDays?: number;
  NextRotationDate?: number;
  OnDemandRotationStartDate?: number;
}

export interface GetParametersForImportRequest {
  KeyId: string;
  WrappingAlgorithm: AlgorithmSpec;
  WrappingKeySpec: WrappingKeySpec;
}

export interface GetParametersForImportResponse {
  KeyId?: string;
  ImportToken?: string;
  PublicKey?: string;
  ParametersValidTo?: number;
}

export interface GetPublicKeyRequest {
  KeyId: string;
  GrantTokens?: string[];
}

export interface GetPublicKeyResponse {
  KeyId?: string;
  PublicKey?: string;
  /** @deprecated */
  CustomerMasterKeySpec?: CustomerMasterKeySpec;
  KeySpec?: KeySpec;
  KeyUsage?: KeyUsageType;
  EncryptionAlgorithms?: EncryptionAlgorithmSpec[];
  SigningAlgorithms?: SigningAlgorithmSpec[];
  KeyAgreementAlgorithms?: KeyAgreementAlgorithmSpec[];
}

export interface GrantConstraints {
  EncryptionContextSubset?: Record<string, string>;
  EncryptionContextEquals?: Record<string, string>;
  SourceArn?: string;
}

export interface GrantListEntry {
  KeyId?: string;
  GrantId?: string;
  Name?: string;
  CreationDate?: number;
  GranteePrincipal?: string;
  RetiringPrincipal?: string;
  IssuingAccount?: string;
  Operations?: GrantOperation[];
  Constraints?: GrantConstraints;
  GranteeServicePrincipal?: string;
  RetiringServicePrincipal?: string;
}

export interface ImportKeyMaterialRequest {
  KeyId: string;
  ImportToken: string;
  EncryptedKeyMaterial: string;
  ValidTo?: number;
  ExpirationModel?: ExpirationModelType;
  ImportType?: ImportType;
  KeyMaterialDescription?: string;
  KeyMaterialId?: string;
}

export interface ImportKeyMaterialResponse {
  KeyId?: string;
  KeyMaterialId?: string;
}

export interface KeyLastUsageData {
  Operation?: KeyLastUsageTrackingOperation;
  Timestamp?: number;
  CloudTrailEventId?: string;
  KmsRequestId?: string;
}

export interface KeyListEntry {
  KeyId?: string;
  KeyArn?: string;
}

export interface KeyMetadata {
  AWSAccountId?: string;
  KeyId: string;
  Arn?: string;
  CreationDate?: number;
  Enabled?: boolean;
  Description?: string;
  KeyUsage?: KeyUsageType;
  KeyState?: KeyState;
  DeletionDate?: number;
  ValidTo?: number;
  Origin?: OriginType;
  CustomKeyStoreId?: string;
  CloudHsmClusterId?: string;
  ExpirationModel?: ExpirationModelType;
  KeyManager?: KeyManagerType;
  /** @deprecated */
  CustomerMasterKeySpec?: CustomerMasterKeySpec;
  KeySpec?: KeySpec;
  EncryptionAlgorithms?: EncryptionAlgorithmSpec[];
  SigningAlgorithms?: SigningAlgorithmSpec[];
  KeyAgreementAlgorithms?: KeyAgreementAlgorithmSpec[];
  MultiRegion?: boolean;
  MultiRegionConfiguration?: MultiRegionConfiguration;
  PendingDeletionWindowInDays?: number;
  MacAlgorithms?: MacAlgorithmSpec[];
  XksKeyConfiguration?: XksKeyConfigurationType;
  CurrentKeyMaterialId?: string;
}

export interface ListAliasesRequest {
  KeyId?: string;
  Limit?: number;
  Marker?: string;
}

export interface ListAliasesResponse {
  Aliases?: AliasListEntry[];
  NextMarker?: string;
  Truncated?: boolean;
}

export interface ListGrantsRequest {
  Limit?: number;
  Marker?: string;
  KeyId: string;
  GrantId?: string;
  GranteePrincipal?: string;
  GranteeServicePrincipal?: string;
}

export interface ListGrantsResponse {
  Grants?: GrantListEntry[];
  NextMarker?: string;
  Truncated?: boolean;
}

export interface ListKeyPoliciesRequest {
  KeyId: string;
  Limit?: number;
  Marker?: string;
}

export interface ListKeyPoliciesResponse {
  PolicyNames?: string[];
  NextMarker?: string;
  Truncated?: boolean;
}

export interface ListKeyRotationsRequest {
  KeyId: string;
  IncludeKeyMaterial?: IncludeKeyMaterial;
  Limit?: number;
  Marker?: string;
}

export interface ListKeyRotationsResponse {
  Rotations?: RotationsListEntry[];
  NextMarker?: string;
  Truncated?: boolean;
}

export interface ListKeysRequest {
  Limit?: number;
  Marker?: string;
}

export interface ListKeysResponse {
  Keys?: KeyListEntry[];
  NextMarker?: string;
  Truncated?: boolean;
}

export interface ListResourceTagsRequest {
  KeyId: string;
  Limit?: number;
  Marker?: string;
}

export interface ListResourceTagsResponse {
  Tags?: Tag[];
  NextMarker?: string;
  Truncated?: boolean;
}

export interface ListRetirableGrantsRequest {
  Limit?: number;
  Marker?: string;
  RetiringPrincipal?: string;
  RetiringServicePrincipal?: string;
}

export interface MultiRegionConfiguration {
  MultiRegionKeyType?: MultiRegionKeyType;
  PrimaryKey?: MultiRegionKey;
  ReplicaKeys?: MultiRegionKey[];
}

export interface MultiRegionKey {
  Arn?: string;
  Region?: string;
}

export interface PutKeyPolicyRequest {
  KeyId: string;
  PolicyName?: string;
  Policy: string;
  BypassPolicyLockoutSafetyCheck?: boolean;
}

export interface ReEncryptRequest {
  CiphertextBlob?: string;
  SourceEncryptionContext?: Record<string, string>;
  SourceKeyId?: string;
  DestinationKeyId: string;
  DestinationEncryptionContext?: Record<string, string>;
  SourceEncryptionAlgorithm?: EncryptionAlgorithmSpec;
  DestinationEncryptionAlgorithm?: EncryptionAlgorithmSpec;
  GrantTokens?: string[];
  DryRun?: boolean;
  DryRunModifiers?: DryRunModifierType[];
}

export interface ReEncryptResponse {
  CiphertextBlob?: string;
  SourceKeyId?: string;
  KeyId?: string;
  SourceEncryptionAlgorithm?: EncryptionAlgorithmSpec;
  DestinationEncryptionAlgorithm?: EncryptionAlgorithmSpec;
  SourceKeyMaterialId?: string;
  DestinationKeyMaterialId?: string;
}

export interface RecipientInfo {
  KeyEncryptionAlgorithm?: KeyEncryptionMechanism;
  AttestationDocument?: string;
}

export interface ReplicateKeyRequest {
  KeyId: string;
  ReplicaRegion: string;
  Policy?: string;
  BypassPolicyLockoutSafetyCheck?: boolean;
  Description?: string;
  Tags?: Tag[];
}

export interface ReplicateKeyResponse {
  ReplicaKeyMetadata?: KeyMetadata;
  ReplicaPolicy?: string;
  ReplicaTags?: Tag[];
}

export interface RetireGrantRequest {
  GrantToken?: string;
  KeyId?: string;
  GrantId?: string;
  DryRun?: boolean;
}

export interface RevokeGrantRequest {
  KeyId: string;
  GrantId: string;
  DryRun?: boolean;
}

export interface RotateKeyOnDemandRequest {
  KeyId: string;
}

export interface RotateKeyOnDemandResponse {
  KeyId?: string;
}

export interface RotationsListEntry {
  KeyId?: string;
  KeyMaterialId?: string;
  KeyMaterialDescription?: string;
  ImportState?: ImportState;
  KeyMaterialState?: KeyMaterialState;
  ExpirationModel?: ExpirationModelType;
  ValidTo?: number;
  RotationDate?: number;
  RotationType?: RotationType;
}

export interface ScheduleKeyDeletionRequest {
  KeyId: string;
  PendingWindowInDays?: number;
}

export interface ScheduleKeyDeletionResponse {
  KeyId?: string;
  DeletionDate?: number;
  KeyState?: KeyState;
  PendingWindowInDays?: number;
}

export interface SignRequest {
  KeyId: string;
  Message: string;
  MessageType?: MessageType;
  GrantTokens?: string[];
  SigningAlgorithm: SigningAlgorithmSpec;
  DryRun?: boolean;
}

export interface SignResponse {
  KeyId?: string;
  Signature?: string;
  SigningAlgorithm?: SigningAlgorithmSpec;
}

export interface Tag {
  TagKey: string;
  TagValue: string;
}

export interface TagResourceRequest {
  KeyId: string;
  Tags: Tag[];
}

export interface UntagResourceRequest {
  KeyId: string;
  TagKeys: string[];
}

export interface UpdateAliasRequest {
  AliasName: string;
  TargetKeyId: string;
}

export interface UpdateCustomKeyStoreRequest {
  CustomKeyStoreId: string;
  NewCustomKeyStoreName?: string;
  KeyStorePassword?: string;
  CloudHsmClusterId?: string;
  XksProxyUriEndpoint?: string;
  XksProxyUriPath?: string;
  XksProxyVpcEndpointServiceName?: string;
  XksProxyVpcEndpointServiceOwner?: string;
  XksProxyAuthenticationCredential?: XksProxyAuthenticationCredentialType;
  XksProxyConnectivity?: XksProxyConnectivityType;
}

export interface UpdateCustomKeyStoreResponse {
}

export interface UpdateKeyDescriptionRequest {
  KeyId: string;
  Description: string;
}

export interface UpdatePrimaryRegionRequest {
  KeyId: string;
  PrimaryRegion: string;
}

export interface VerifyMacRequest {
  Message: string;
  KeyId: string;
  MacAlgorithm: MacAlgorithmSpec;
  Mac: string;
  GrantTokens?: string[];
  DryRun?: boolean;
}

export interface VerifyMacResponse {
  KeyId?: string;
  MacValid?: boolean;
  MacAlgorithm?: MacAlgorithmSpec;
}

export interface VerifyRequest {
  KeyId: string;
  Message: string;
  MessageType?: MessageType;
  Signature: string;
  SigningAlgorithm: SigningAlgorithmSpec;
  GrantTokens?: string[];
  DryRun?: boolean;
}

export interface VerifyResponse {
  KeyId?: string;
  SignatureValid?: boolean;
  SigningAlgorithm?: SigningAlgorithmSpec;
}

export interface XksKeyConfigurationType {
  Id?: string;
}

export interface XksProxyAuthenticationCredentialType {
  AccessKeyId: string;
  RawSecretAccessKey: string;
}

export interface XksProxyConfigurationType {
  Connectivity?: XksProxyConnectivityType;
  AccessKeyId?: string;
  UriEndpoint?: string;
  UriPath?: string;
  VpcEndpointServiceName?: string;
  VpcEndpointServiceOwner?: string;
}

/** Request and response body types per operation (void: empty response body). */
export interface OperationIO {
  CancelKeyDeletion: { input: CancelKeyDeletionRequest; output: CancelKeyDeletionResponse };
  ConnectCustomKeyStore: { input: ConnectCustomKeyStoreRequest; output: ConnectCustomKeyStoreResponse };
  CreateAlias: { input: CreateAliasRequest; output: void };
  CreateCustomKeyStore: { input: CreateCustomKeyStoreRequest; output: CreateCustomKeyStoreResponse };
  CreateGrant: { input: CreateGrantRequest; output: CreateGrantResponse };
  CreateKey: { input: CreateKeyRequest; output: CreateKeyResponse };
  Decrypt: { input: DecryptRequest; output: DecryptResponse };
  DeleteAlias: { input: DeleteAliasRequest; output: void };
  DeleteCustomKeyStore: { input: DeleteCustomKeyStoreRequest; output: DeleteCustomKeyStoreResponse };
  DeleteImportedKeyMaterial: { input: DeleteImportedKeyMaterialRequest; output: DeleteImportedKeyMaterialResponse };
  DeriveSharedSecret: { input: DeriveSharedSecretRequest; output: DeriveSharedSecretResponse };
  DescribeCustomKeyStores: { input: DescribeCustomKeyStoresRequest; output: DescribeCustomKeyStoresResponse };
  DescribeKey: { input: DescribeKeyRequest; output: DescribeKeyResponse };
  DisableKey: { input: DisableKeyRequest; output: void };
  DisableKeyRotation: { input: DisableKeyRotationRequest; output: void };
  DisconnectCustomKeyStore: { input: DisconnectCustomKeyStoreRequest; output: DisconnectCustomKeyStoreResponse };
  EnableKey: { input: EnableKeyRequest; output: void };
  EnableKeyRotation: { input: EnableKeyRotationRequest; output: void };
  Encrypt: { input: EncryptRequest; output: EncryptResponse };
  GenerateDataKey: { input: GenerateDataKeyRequest; output: GenerateDataKeyResponse };
  GenerateDataKeyPair: { input: GenerateDataKeyPairRequest; output: GenerateDataKeyPairResponse };
  GenerateDataKeyPairWithoutPlaintext: { input: GenerateDataKeyPairWithoutPlaintextRequest; output: GenerateDataKeyPairWithoutPlaintextResponse };
  GenerateDataKeyWithoutPlaintext: { input: GenerateDataKeyWithoutPlaintextRequest; output: GenerateDataKeyWithoutPlaintextResponse };
  GenerateMac: { input: GenerateMacRequest; output: GenerateMacResponse };
  GenerateRandom: { input: GenerateRandomRequest; output: GenerateRandomResponse };
  GetKeyLastUsage: { input: GetKeyLastUsageRequest; output: GetKeyLastUsageResponse };
  GetKeyPolicy: { input: GetKeyPolicyRequest; output: GetKeyPolicyResponse };
  GetKeyRotationStatus: { input: GetKeyRotationStatusRequest; output: GetKeyRotationStatusResponse };
  GetParametersForImport: { input: GetParametersForImportRequest; output: GetParametersForImportResponse };
  GetPublicKey: { input: GetPublicKeyRequest; output: GetPublicKeyResponse };
  ImportKeyMaterial: { input: ImportKeyMaterialRequest; output: ImportKeyMaterialResponse };
  ListAliases: { input: ListAliasesRequest; output: ListAliasesResponse };
  ListGrants: { input: ListGrantsRequest; output: ListGrantsResponse };
  ListKeyPolicies: { input: ListKeyPoliciesRequest; output: ListKeyPoliciesResponse };
  ListKeyRotations: { input: ListKeyRotationsRequest; output: ListKeyRotationsResponse };
  ListKeys: { input: ListKeysRequest; output: ListKeysResponse };
  ListResourceTags: { input: ListResourceTagsRequest; output: ListResourceTagsResponse };
  ListRetirableGrants: { input: ListRetirableGrantsRequest; output: ListGrantsResponse };
  PutKeyPolicy: { input: PutKeyPolicyRequest; output: void };
  ReEncrypt: { input: ReEncryptRequest; output: ReEncryptResponse };
  ReplicateKey: { input: ReplicateKeyRequest; output: ReplicateKeyResponse };
  RetireGrant: { input: RetireGrantRequest; output: void };
  RevokeGrant: { input: RevokeGrantRequest; output: void };
  RotateKeyOnDemand: { input: RotateKeyOnDemandRequest; output: RotateKeyOnDemandResponse };
  ScheduleKeyDeletion: { input: ScheduleKeyDeletionRequest; output: ScheduleKeyDeletionResponse };
  Sign: { input: SignRequest; output: SignResponse };
  TagResource: { input: TagResourceRequest; output: void };
  UntagResource: { input: UntagResourceRequest; output: void };
  UpdateAlias: { input: UpdateAliasRequest; output: void };
  UpdateCustomKeyStore: { input: UpdateCustomKeyStoreRequest; output: UpdateCustomKeyStoreResponse };
  UpdateKeyDescription: { input: UpdateKeyDescriptionRequest; output: void };
  UpdatePrimaryRegion: { input: UpdatePrimaryRegionRequest; output: void };
  Verify: { input: VerifyRequest; output: VerifyResponse };
  VerifyMac: { input: VerifyMacRequest; output: VerifyMacResponse };
}

export type OperationInput<O extends OperationName> = OperationIO[O]['input'];
export type OperationOutput<O extends OperationName> = OperationIO[O]['output'];
