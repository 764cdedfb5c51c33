//! The privacy settings of each account (docs/privacy.md), kept as the JSON object the API
//! shows, so a setting added later needs no migration.

use super::Db;
use super::query::Query;
use crate::store::StoreResult;

impl Db<'_> {
    pub(super) async fn privacy_settings(self, account_id: &str) -> StoreResult<Option<String>> {
        let row: Option<(String,)> =
            Query::new("SELECT settings FROM privacy_settings WHERE account_id = $1")
                .bind(account_id)
                .fetch_optional(self.pool)
                .await?;
        Ok(row.map(|(settings,)| settings))
    }

    pub(super) async fn put_privacy_settings(
        self,
        account_id: &str,
        settings: &str,
        now_ms: i64,
    ) -> StoreResult<()> {
        Query::new(
            "INSERT INTO privacy_settings (account_id, settings, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (account_id) DO UPDATE \
             SET settings = excluded.settings, updated_at = excluded.updated_at",
        )
        .bind(account_id)
        .bind(settings)
        .bind(now_ms)
        .execute(self.writer)
        .await?;
        Ok(())
    }
}
