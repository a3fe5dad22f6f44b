// Run by the mongo image once, on its first start (an empty volume), as the root user: the
// application's own user, allowed to read and write the famigo database only.
db.getSiblingDB('famigo').createUser({
  user: 'famigo',
  pwd: process.env.MONGO_PASSWORD,
  roles: [{ role: 'readWrite', db: 'famigo' }],
});
