//! Pairing codes, and the hosted side of pairing: a code redeemed for a new peer.

use super::Db;
use super::peers::insert_peer_in;
use super::query::{Query, Tx};
use crate::store::models::CodeState;
use crate::store::{
    NewPairingCode, Peer, PeerKey, RedeemedCode, Redemption, Registration, StoreResult,
};

impl Db<'_> {
    pub(super) async fn create_pairing_code(self, code: &NewPairingCode) -> StoreResult<()> {
        Query::new(
            "INSERT INTO pairing_codes \
             (code_hash, account_id, bound_key_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&code.code_hash)
        .bind(&code.account_id)
        .bind(&code.bound_key_id)
        .bind(code.created_at)
        .bind(code.expires_at)
        .execute(self.writer)
        .await?;
        Ok(())
    }

    pub(super) async fn redeem_pairing_code(
        self,
        code_hash: &str,
        now_ms: i64,
    ) -> StoreResult<Redemption> {
        let mut tx = self.writer.begin().await?;
        let redemption = redeem_in(&mut tx, code_hash, now_ms).await?;
        tx.commit().await?;
        Ok(redemption)
    }

    pub(super) async fn register_peer(
        self,
        code_hash: &str,
        now_ms: i64,
        peer: &Peer,
        key: &PeerKey,
    ) -> StoreResult<Registration> {
        let mut tx = self.writer.begin().await?;
        let code = match redeem_in(&mut tx, code_hash, now_ms).await? {
            Redemption::Redeemed(code) => code,
            refused => return Ok(Registration::Refused(refused)),
        };
        if code
            .bound_key_id
            .as_deref()
            .is_some_and(|bound| bound != peer.remote_key_id)
        {
            // Dropping the transaction rolls the redemption back: the code stays usable by
            // the key it was issued for.
            return Ok(Registration::BoundElsewhere);
        }
        let peer = Peer {
            account_id: code.account_id.clone(),
            ..peer.clone()
        };
        insert_peer_in(&mut tx, &peer, key).await?;
        tx.commit().await?;
        Ok(Registration::Created {
            account_id: code.account_id,
        })
    }
}

/// Marks a code used if it is unused and unexpired: one conditional UPDATE, so of any number
/// of concurrent redemptions exactly one matches. Otherwise reads why it did not.
async fn redeem_in(tx: &mut Tx, code_hash: &str, now_ms: i64) -> StoreResult<Redemption> {
    let redeemed: Option<RedeemedCode> = Query::new(
        "UPDATE pairing_codes SET used_at = $2 \
         WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 \
         RETURNING account_id, bound_key_id",
    )
    .bind(code_hash)
    .bind(now_ms)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(code) = redeemed {
        return Ok(Redemption::Redeemed(code));
    }
    let state: Option<CodeState> =
        Query::new("SELECT expires_at, used_at FROM pairing_codes WHERE code_hash = $1")
            .bind(code_hash)
            .fetch_optional(&mut *tx)
            .await?;
    Ok(CodeState::classify(state, now_ms))
}
