import peewee

from models.db import db


class BaseModel(peewee.Model):
    class Meta:
        database = db
        legacy_table_names = False
