//! The client's conversations and messages: the conversation API's operations
//! (`sync::conversations`), on this device's own records.

use super::{Client, ClientError};
use crate::store::LOCAL_ACCOUNT;
use crate::sync::conversations as ops;
use crate::sync::records::{ConversationView, MessageView, Tenant};

/// One page of a list, and the cursor of the next (`None` on the last).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A conversation with all its messages, oldest first.
#[derive(Debug)]
pub struct ConversationWithMessages {
    pub conversation: ConversationView,
    pub messages: Vec<MessageView>,
}

fn tenant() -> Tenant {
    Tenant(LOCAL_ACCOUNT.to_string())
}

impl Client {
    /// A page of conversations, newest first: `limit` 1 to 200 (50 by default), `cursor`
    /// the previous page's `next_cursor`.
    pub async fn list_conversations(
        &self,
        limit: Option<i64>,
        cursor: Option<&str>,
    ) -> Result<Page<ConversationView>, ClientError> {
        let limit = ops::check_page(limit, cursor)?;
        let (items, next_cursor) =
            ops::list_conversations(&self.state, &tenant(), limit, cursor).await?;
        Ok(Page { items, next_cursor })
    }

    /// A conversation and every one of its messages.
    pub async fn get_conversation(
        &self,
        id: &str,
    ) -> Result<ConversationWithMessages, ClientError> {
        let conversation = ops::get_conversation(&self.state, &tenant(), id).await?;
        let mut messages = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let (page, next) =
                ops::list_messages(&self.state, &tenant(), id, ops::MAX_PAGE, cursor.as_deref())
                    .await?;
            messages.extend(page);
            match next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        Ok(ConversationWithMessages {
            conversation,
            messages,
        })
    }

    pub async fn create_conversation(&self, title: &str) -> Result<ConversationView, ClientError> {
        Ok(ops::create_conversation(&self.state, &tenant(), Some(title.to_string())).await?)
    }

    pub async fn update_title(
        &self,
        id: &str,
        title: &str,
    ) -> Result<ConversationView, ClientError> {
        Ok(ops::update_conversation(&self.state, &tenant(), id, Some(title.to_string())).await?)
    }

    /// Deletes a conversation: a tombstone that syncs to every device.
    pub async fn delete_conversation(&self, id: &str) -> Result<(), ClientError> {
        Ok(ops::delete_conversation(&self.state, &tenant(), id).await?)
    }

    /// Adds a message (`role` one of `user`, `assistant`, `system`).
    pub async fn create_message(
        &self,
        conversation_id: &str,
        role: &str,
        content: &str,
    ) -> Result<MessageView, ClientError> {
        let (role, content) = (role.to_string(), content.to_string());
        Ok(ops::create_message(&self.state, &tenant(), conversation_id, role, content).await?)
    }

    /// Replaces a message's content.
    pub async fn edit_message(
        &self,
        conversation_id: &str,
        id: &str,
        content: &str,
    ) -> Result<MessageView, ClientError> {
        let content = Some(content.to_string());
        Ok(ops::update_message(&self.state, &tenant(), conversation_id, id, None, content).await?)
    }

    /// Deletes a message: a tombstone that syncs.
    pub async fn delete_message(&self, conversation_id: &str, id: &str) -> Result<(), ClientError> {
        Ok(ops::delete_message(&self.state, &tenant(), conversation_id, id).await?)
    }
}
