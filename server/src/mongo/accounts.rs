//! Accounts in MongoDB: `users` (children embedded: they are read and deleted with their
//! parent), and `favorites`, one document per (user, app), unique on the pair.
//!
//! Deleting a user removes the favorites first and the user last, so a deletion interrupted
//! part-way leaves a user that can be deleted again, never favorites without their user.

use super::{db_err, is_duplicate_key, timed, READ_TIMEOUT, WRITE_TIMEOUT};
use crate::storage::{new_id, new_stamp};
use app::domain::{Kid, NewKid, Role, User, MAX_KIDS};
use app::ports::{AccountError, Accounts, BackendError, NewUser, PasswordHash, StoreError, UserRecord};
use async_trait::async_trait;
use futures::TryStreamExt;
use mongodb::bson::doc;
use mongodb::options::IndexOptions;
use mongodb::{Collection, Database, IndexModel};
use serde::{Deserialize, Serialize};

pub const USERS: &str = "users";
pub const FAVORITES: &str = "favorites";
pub const PASSWORD_RESETS: &str = "password_resets";
/// Tries of a read-change-write of a user's children before giving up.
const CHANGE_ATTEMPTS: usize = 50;

#[derive(Debug, Serialize, Deserialize)]
struct UserDocument {
    #[serde(rename = "_id")]
    id: String,
    email: String,
    display_name: String,
    password_hash: String,
    role: String,
    session_stamp: String,
    created_at: i64,
    /// The weekly digest; accounts stored before the choice existed get it.
    #[serde(default = "digest_on", deserialize_with = "bool_or_number")]
    digest: bool,
    #[serde(default)]
    kids: Vec<KidDocument>,
    /// Bumped by every change to `kids`: a change applies only to the version it read, so
    /// concurrent changes retry instead of overwriting each other (or passing the limit).
    #[serde(default)]
    kids_version: i64,
    /// The children's birth years, beside `kids` so "families with a child born in …" is an
    /// indexable match on plain values.
    #[serde(default)]
    kid_birth_years: Vec<i32>,
}

fn digest_on() -> bool {
    true
}

/// A boolean, or 0/1: the MongoDB stand-in the tests use (nx-27017) stores a boolean written
/// by `$set` as a number.
fn bool_or_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Number(i64),
    }
    Ok(match Flag::deserialize(deserializer)? {
        Flag::Bool(flag) => flag,
        Flag::Number(n) => n != 0,
    })
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct KidDocument {
    id: String,
    nickname: Option<String>,
    birth_year: i32,
}

/// A password-reset token, by its SHA-256.
#[derive(Debug, Serialize, Deserialize)]
struct ResetDocument {
    #[serde(rename = "_id")]
    token_hash: String,
    user_id: String,
    expires_at: i64,
}

#[derive(Debug, Serialize, Deserialize)]
struct FavoriteDocument {
    user_id: String,
    slug: String,
    /// A ULID: favorites sort newest first by it.
    added: String,
}

impl UserDocument {
    fn into_record(self) -> Result<UserRecord, AccountError> {
        let role = Role::from_slug(&self.role).ok_or_else(|| {
            AccountError::Backend(BackendError::other(format!("unknown role {:?} in store", self.role)))
        })?;
        Ok(UserRecord {
            user: User {
                id: self.id,
                email: self.email,
                display_name: self.display_name,
                role,
                created_at: self.created_at,
                digest: self.digest,
            },
            password_hash: PasswordHash(self.password_hash),
            session_stamp: self.session_stamp,
        })
    }
}

impl From<KidDocument> for Kid {
    fn from(kid: KidDocument) -> Kid {
        Kid { id: kid.id, nickname: kid.nickname, birth_year: kid.birth_year.clamp(0, i32::from(u16::MAX)) as u16 }
    }
}

/// The unique email, and favorites unique per (user, app) and found by app.
pub(crate) async fn create_indexes(db: &Database) -> Result<(), StoreError> {
    let unique = || IndexOptions::builder().unique(true).build();
    let users = db.collection::<UserDocument>(USERS);
    let user_models = vec![
        IndexModel::builder().keys(doc! { "email": 1 }).options(unique()).build(),
        IndexModel::builder().keys(doc! { "kid_birth_years": 1 }).build(),
    ];
    timed(WRITE_TIMEOUT, users.create_indexes(user_models)).await?;
    let favorites = db.collection::<FavoriteDocument>(FAVORITES);
    let models = vec![
        IndexModel::builder().keys(doc! { "user_id": 1, "slug": 1 }).options(unique()).build(),
        IndexModel::builder().keys(doc! { "user_id": 1, "added": -1 }).build(),
        IndexModel::builder().keys(doc! { "slug": 1 }).build(),
    ];
    timed(WRITE_TIMEOUT, favorites.create_indexes(models)).await.map(|_| ()).map_err(Into::into)
}

#[derive(Clone)]
pub struct MongoAccounts {
    users: Collection<UserDocument>,
    favorites: Collection<FavoriteDocument>,
    resets: Collection<ResetDocument>,
}

impl MongoAccounts {
    pub fn new(db: &Database) -> MongoAccounts {
        MongoAccounts {
            users: db.collection(USERS),
            favorites: db.collection(FAVORITES),
            resets: db.collection(PASSWORD_RESETS),
        }
    }

    async fn find_user(&self, filter: mongodb::bson::Document) -> Result<Option<UserRecord>, AccountError> {
        let found = timed(READ_TIMEOUT, self.users.find_one(filter)).await?;
        found.map(UserDocument::into_record).transpose()
    }

    /// Reads the user's children, lets `change` edit them (true: something changed) and writes
    /// them back if no other change came in between, else starts over. None: no such user.
    async fn change_kids(
        &self,
        user_id: &str,
        mut change: impl FnMut(&mut Vec<KidDocument>) -> Result<bool, AccountError> + Send,
    ) -> Result<Option<bool>, AccountError> {
        for _ in 0..CHANGE_ATTEMPTS {
            let Some(user) = timed(READ_TIMEOUT, self.users.find_one(doc! { "_id": user_id })).await? else {
                return Ok(None);
            };
            let mut kids = user.kids;
            if !change(&mut kids)? {
                return Ok(Some(false));
            }
            let years: Vec<i32> = kids.iter().map(|k| k.birth_year).collect();
            let kids =
                mongodb::bson::to_bson(&kids).map_err(|e| AccountError::Backend(BackendError::other(e.to_string())))?;
            let filter = doc! { "_id": user_id, "kids_version": user.kids_version };
            let update =
                doc! { "$set": { "kids": kids, "kids_version": user.kids_version + 1, "kid_birth_years": years } };
            if timed(WRITE_TIMEOUT, self.users.update_one(filter, update)).await?.matched_count > 0 {
                return Ok(Some(true));
            }
        }
        Err(AccountError::Unavailable(BackendError::unavailable("the children list kept changing; try again")))
    }

    async fn exists(&self, id: &str) -> Result<bool, AccountError> {
        Ok(timed(READ_TIMEOUT, self.users.count_documents(doc! { "_id": id }).limit(1)).await? > 0)
    }
}

#[async_trait]
impl Accounts for MongoAccounts {
    fn backend(&self) -> &'static str {
        "mongodb"
    }

    async fn create_user(&self, new: &NewUser) -> Result<User, AccountError> {
        let document = UserDocument {
            id: new_id(),
            email: new.email.clone(),
            display_name: new.display_name.clone(),
            password_hash: new.password_hash.0.clone(),
            role: new.role.slug().into(),
            session_stamp: new_stamp(),
            created_at: chrono::Utc::now().timestamp_millis(),
            digest: true,
            kids: Vec::new(),
            kids_version: 0,
            kid_birth_years: Vec::new(),
        };
        let inserted = tokio::time::timeout(WRITE_TIMEOUT, self.users.insert_one(&document)).await;
        match inserted {
            Ok(Ok(_)) => Ok(document.into_record()?.user),
            Ok(Err(e)) if is_duplicate_key(&e) => Err(AccountError::EmailTaken),
            Ok(Err(e)) => Err(db_err(e).into()),
            Err(_) => Err(AccountError::Unavailable(BackendError::unavailable("MongoDB did not answer in time"))),
        }
    }

    async fn user(&self, id: &str) -> Result<Option<UserRecord>, AccountError> {
        self.find_user(doc! { "_id": id }).await
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>, AccountError> {
        self.find_user(doc! { "email": email }).await
    }

    async fn set_password(&self, id: &str, hash: &PasswordHash) -> Result<bool, AccountError> {
        let update = doc! { "$set": { "password_hash": &hash.0, "session_stamp": new_stamp() } };
        let done = timed(WRITE_TIMEOUT, self.users.update_one(doc! { "_id": id }, update)).await?;
        timed(WRITE_TIMEOUT, self.resets.delete_many(doc! { "user_id": id })).await?;
        Ok(done.matched_count > 0)
    }

    async fn set_role(&self, id: &str, role: Role) -> Result<bool, AccountError> {
        let update = doc! { "$set": { "role": role.slug() } };
        let done = timed(WRITE_TIMEOUT, self.users.update_one(doc! { "_id": id }, update)).await?;
        Ok(done.matched_count > 0)
    }

    async fn set_digest(&self, id: &str, on: bool) -> Result<bool, AccountError> {
        let update = doc! { "$set": { "digest": on } };
        let done = timed(WRITE_TIMEOUT, self.users.update_one(doc! { "_id": id }, update)).await?;
        Ok(done.matched_count > 0)
    }

    async fn delete_user(&self, id: &str) -> Result<bool, AccountError> {
        timed(WRITE_TIMEOUT, self.favorites.delete_many(doc! { "user_id": id })).await?;
        timed(WRITE_TIMEOUT, self.resets.delete_many(doc! { "user_id": id })).await?;
        let done = timed(WRITE_TIMEOUT, self.users.delete_one(doc! { "_id": id })).await?;
        Ok(done.deleted_count > 0)
    }

    async fn add_kid(&self, user_id: &str, kid: &NewKid) -> Result<Option<Kid>, AccountError> {
        let stored =
            KidDocument { id: new_id(), nickname: kid.nickname.clone(), birth_year: i32::from(kid.birth_year) };
        let changed = self
            .change_kids(user_id, |kids| {
                if kids.len() >= MAX_KIDS {
                    return Err(AccountError::TooManyKids(MAX_KIDS));
                }
                // Pushed on every attempt: a retry after a concurrent change starts from a fresh read.
                kids.push(stored.clone());
                Ok(true)
            })
            .await?;
        Ok(changed.map(|_| stored.into()))
    }

    async fn kids(&self, user_id: &str) -> Result<Vec<Kid>, AccountError> {
        let found = timed(READ_TIMEOUT, self.users.find_one(doc! { "_id": user_id })).await?;
        Ok(found.map(|user| user.kids.into_iter().map(Kid::from).collect()).unwrap_or_default())
    }

    async fn remove_kid(&self, user_id: &str, kid_id: &str) -> Result<bool, AccountError> {
        let changed = self
            .change_kids(user_id, |kids| {
                let before = kids.len();
                kids.retain(|k| k.id != kid_id);
                Ok(kids.len() < before)
            })
            .await?;
        Ok(changed == Some(true))
    }

    async fn add_favorite(&self, user_id: &str, slug: &str) -> Result<bool, AccountError> {
        if !self.exists(user_id).await? {
            return Ok(false);
        }
        let favorite = FavoriteDocument { user_id: user_id.into(), slug: slug.into(), added: new_id() };
        match tokio::time::timeout(WRITE_TIMEOUT, self.favorites.insert_one(&favorite)).await {
            Ok(Ok(_)) => Ok(true),
            Ok(Err(e)) if is_duplicate_key(&e) => Ok(true),
            Ok(Err(e)) => Err(db_err(e).into()),
            Err(_) => Err(AccountError::Unavailable(BackendError::unavailable("MongoDB did not answer in time"))),
        }
    }

    async fn remove_favorite(&self, user_id: &str, slug: &str) -> Result<bool, AccountError> {
        let done = timed(WRITE_TIMEOUT, self.favorites.delete_one(doc! { "user_id": user_id, "slug": slug })).await?;
        Ok(done.deleted_count > 0)
    }

    async fn favorites(&self, user_id: &str) -> Result<Vec<String>, AccountError> {
        let found: Vec<FavoriteDocument> = timed(READ_TIMEOUT, async {
            self.favorites.find(doc! { "user_id": user_id }).sort(doc! { "added": -1 }).await?.try_collect().await
        })
        .await?;
        Ok(found.into_iter().map(|f| f.slug).collect())
    }

    async fn family_favorites(&self, from: u16, to: u16, limit: usize) -> Result<Vec<(String, u64)>, AccountError> {
        let years: Vec<i32> = (from..=to).map(i32::from).collect();
        let filter = doc! { "kid_birth_years": { "$in": years } };
        let families: Vec<UserDocument> =
            timed(READ_TIMEOUT, async { self.users.find(filter).await?.try_collect().await }).await?;
        let ids: Vec<String> = families.into_iter().map(|u| u.id).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let pipeline = vec![
            doc! { "$match": { "user_id": { "$in": ids } } },
            doc! { "$group": { "_id": "$slug", "families": { "$sum": 1 } } },
            doc! { "$sort": { "families": -1, "_id": 1 } },
            doc! { "$limit": limit as i64 },
        ];
        let counted: Vec<mongodb::bson::Document> =
            timed(READ_TIMEOUT, async { self.favorites.aggregate(pipeline).await?.try_collect().await }).await?;
        Ok(counted
            .into_iter()
            .filter_map(|d| {
                let slug = d.get_str("_id").ok()?.to_string();
                let n = d.get("families").and_then(|v| {
                    v.as_i64().or_else(|| v.as_i32().map(i64::from)).or_else(|| v.as_f64().map(|f| f as i64))
                })?;
                Some((slug, n as u64))
            })
            .collect())
    }

    async fn users_page(&self, after: Option<&str>, limit: usize) -> Result<Vec<(UserRecord, Vec<Kid>)>, AccountError> {
        let filter = doc! { "_id": { "$gt": after.unwrap_or("") } };
        let found: Vec<UserDocument> = timed(READ_TIMEOUT, async {
            self.users.find(filter).sort(doc! { "_id": 1 }).limit(limit as i64).await?.try_collect().await
        })
        .await?;
        found
            .into_iter()
            .map(|user| {
                let kids = user.kids.iter().cloned().map(Kid::from).collect();
                Ok((user.into_record()?, kids))
            })
            .collect()
    }

    async fn put_reset_token(&self, user_id: &str, token_hash: &str, expires_at: i64) -> Result<(), AccountError> {
        if !self.exists(user_id).await? {
            return Ok(());
        }
        let reset = ResetDocument { token_hash: token_hash.into(), user_id: user_id.into(), expires_at };
        timed(WRITE_TIMEOUT, self.resets.insert_one(&reset)).await.map(|_| ()).map_err(Into::into)
    }

    async fn take_reset_token(&self, token_hash: &str, now: i64) -> Result<Option<String>, AccountError> {
        let Some(reset) = timed(READ_TIMEOUT, self.resets.find_one(doc! { "_id": token_hash })).await? else {
            return Ok(None);
        };
        // Whoever deletes it uses it: of two requests with the same token, one gets it.
        let deleted = timed(WRITE_TIMEOUT, self.resets.delete_one(doc! { "_id": token_hash })).await?;
        timed(WRITE_TIMEOUT, self.resets.delete_many(doc! { "expires_at": { "$lte": now } })).await?;
        Ok((deleted.deleted_count == 1 && reset.expires_at > now).then_some(reset.user_id))
    }

    async fn ping(&self) -> Result<(), AccountError> {
        timed(READ_TIMEOUT, self.users.count_documents(doc! {}).limit(1)).await.map(|_| ()).map_err(Into::into)
    }
}
