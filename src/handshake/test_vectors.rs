//! The fixed vectors published in `docs/protocol.md`, written out literally so the document
//! and the code cannot drift apart. They chain: `K` gives `K_sbt` and `K_req`, the token below
//! is MAC'd with `K_sbt`, and the signed request carries that token and is signed with `K_req`.

pub const PAIR_KEY_HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
pub const SBT_KEY_HEX: &str = "53ae6a6a7294825619f85f81481337b7b72530525c381185e95c99ee5b68f029";
pub const REQUEST_KEY_HEX: &str =
    "a1ca92efad1f5a7539b3ebfea788d5d45e69154870265737a0b5620ba34ba56b";

pub const KID: &str = "00112233445566778899aabbccddeeff";
pub const PEER_ID: &str = "5d2b0c1e-8a4f-4b7e-9c3d-2f6a1b0e9d47";
pub const JTI: &str = "8f14e45f-ceea-467f-a0e6-0b2c7d1d1c3a";
pub const ACCOUNT_ID: &str = "acct_42";
pub const LOCAL_ID: &str = "0123456789abcdef0123456789abcdef";
pub const HOSTED_ID: &str = "fedcba9876543210fedcba9876543210";
pub const LOCAL_KEY_ID: &str = "1111111111111111111111111111111111111111111111111111111111111111";
pub const HOSTED_KEY_ID: &str = "2222222222222222222222222222222222222222222222222222222222222222";
/// 2026-01-01T00:00:00Z and eight hours later.
pub const IAT: i64 = 1_767_225_600;
pub const EXP: i64 = 1_767_254_400;

pub const CLAIMS_JSON: &str = concat!(
    r#"{"v":1,"jti":"8f14e45f-ceea-467f-a0e6-0b2c7d1d1c3a","#,
    r#""kid":"00112233445566778899aabbccddeeff","account_id":"acct_42","#,
    r#""peer_id":"5d2b0c1e-8a4f-4b7e-9c3d-2f6a1b0e9d47","#,
    r#""local_id":"0123456789abcdef0123456789abcdef","#,
    r#""hosted_id":"fedcba9876543210fedcba9876543210","#,
    r#""local_key_id":"1111111111111111111111111111111111111111111111111111111111111111","#,
    r#""hosted_key_id":"2222222222222222222222222222222222222222222222222222222222222222","#,
    r#""iat":1767225600,"exp":1767254400}"#,
);

pub const SBT_TOKEN: &str = concat!(
    "eyJ2IjoxLCJqdGkiOiI4ZjE0ZTQ1Zi1jZWVhLTQ2N2YtYTBlNi0wYjJjN2QxZDFjM2EiLCJraWQiOiIwMDExMjIz",
    "MzQ0NTU2Njc3ODg5OWFhYmJjY2RkZWVmZiIsImFjY291bnRfaWQiOiJhY2N0XzQyIiwicGVlcl9pZCI6IjVkMmIw",
    "YzFlLThhNGYtNGI3ZS05YzNkLTJmNmExYjBlOWQ0NyIsImxvY2FsX2lkIjoiMDEyMzQ1Njc4OWFiY2RlZjAxMjM0",
    "NTY3ODlhYmNkZWYiLCJob3N0ZWRfaWQiOiJmZWRjYmE5ODc2NTQzMjEwZmVkY2JhOTg3NjU0MzIxMCIsImxvY2Fs",
    "X2tleV9pZCI6IjExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTEx",
    "MTExMTExMTEiLCJob3N0ZWRfa2V5X2lkIjoiMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIy",
    "MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMiIsImlhdCI6MTc2NzIyNTYwMCwiZXhwIjoxNzY3MjU0NDAwfQ",
    ".NC6amnr-dUaX_97KWQwtnVzrBNyFikHo-NkpoXCEK8I",
);

pub const METHOD: &str = "POST";
pub const AUTHORITY: &str = "sync.example.com";
pub const PATH: &str = "/sync/5d2b0c1e-8a4f-4b7e-9c3d-2f6a1b0e9d47";
pub const QUERY: &str = "?since=42";
pub const BODY: &[u8] = br#"{"ops":[]}"#;
pub const NONCE: &str = "AAECAwQFBgcICQoLDA0ODw";
pub const CREATED: i64 = 1_767_226_000;
pub const EXPIRES: i64 = 1_767_226_300;

pub const SIGNATURE_BASE: &str = concat!(
    "\"@method\": POST\n",
    "\"@authority\": sync.example.com\n",
    "\"@path\": /sync/5d2b0c1e-8a4f-4b7e-9c3d-2f6a1b0e9d47\n",
    "\"@query\": ?since=42\n",
    "\"content-digest\": sha-256=:svDv/Bo3zsyImG6TOByiTAF+W3oojqFKlGKum0xGbww=:\n",
    "\"authorization\": SBT ",
    "eyJ2IjoxLCJqdGkiOiI4ZjE0ZTQ1Zi1jZWVhLTQ2N2YtYTBlNi0wYjJjN2QxZDFjM2EiLCJraWQiOiIwMDExMjIz",
    "MzQ0NTU2Njc3ODg5OWFhYmJjY2RkZWVmZiIsImFjY291bnRfaWQiOiJhY2N0XzQyIiwicGVlcl9pZCI6IjVkMmIw",
    "YzFlLThhNGYtNGI3ZS05YzNkLTJmNmExYjBlOWQ0NyIsImxvY2FsX2lkIjoiMDEyMzQ1Njc4OWFiY2RlZjAxMjM0",
    "NTY3ODlhYmNkZWYiLCJob3N0ZWRfaWQiOiJmZWRjYmE5ODc2NTQzMjEwZmVkY2JhOTg3NjU0MzIxMCIsImxvY2Fs",
    "X2tleV9pZCI6IjExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTEx",
    "MTExMTExMTEiLCJob3N0ZWRfa2V5X2lkIjoiMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIy",
    "MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMiIsImlhdCI6MTc2NzIyNTYwMCwiZXhwIjoxNzY3MjU0NDAwfQ",
    ".NC6amnr-dUaX_97KWQwtnVzrBNyFikHo-NkpoXCEK8I\n",
    "\"@signature-params\": (\"@method\" \"@authority\" \"@path\" \"@query\" \"content-digest\" ",
    "\"authorization\");created=1767226000;expires=1767226300;nonce=\"AAECAwQFBgcICQoLDA0ODw\";",
    "keyid=\"5d2b0c1e-8a4f-4b7e-9c3d-2f6a1b0e9d47/00112233445566778899aabbccddeeff\";",
    "tag=\"backend-8825-v1\"",
);

pub const CONTENT_DIGEST: &str = "sha-256=:svDv/Bo3zsyImG6TOByiTAF+W3oojqFKlGKum0xGbww=:";
pub const SIGNATURE_INPUT: &str = concat!(
    "sig1=(\"@method\" \"@authority\" \"@path\" \"@query\" \"content-digest\" ",
    "\"authorization\");created=1767226000;expires=1767226300;nonce=\"AAECAwQFBgcICQoLDA0ODw\";",
    "keyid=\"5d2b0c1e-8a4f-4b7e-9c3d-2f6a1b0e9d47/00112233445566778899aabbccddeeff\";",
    "tag=\"backend-8825-v1\"",
);
pub const SIGNATURE: &str = "sig1=:Z8IFRiKgFeNqJspd6PVhH1bqYzKg6qtZ/+xMCGcRLUw=:";
