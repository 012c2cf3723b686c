"""Date and number formats by language (FORMAT_MODULE_PATH), where Django's own are not what our
readers write: English as West African English readers write it, with the day before the month
and a 24-hour clock, like French."""
