/* Internal helpers of the trade module (src/trade), prefix cm_i_trade_. */
#ifndef CAMBIUM_TRADE_INTERNAL_H
#define CAMBIUM_TRADE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "cambium/cm_trade.h"

/* Allocate the six columns of b for cap rows (b->n unchanged); CM_ENOMEM leaves b as it was. */
cm_error_t cm_i_trade_baci_reserve(cm_trade_baci_t *b, size_t cap, cm_error_info_t *err);

/* Largest exporter/importer code and HS6 code accepted by the reader. */
#define CM_I_TRADE_MAX_COUNTRY 999
#define CM_I_TRADE_MIN_HS6 10000
#define CM_I_TRADE_MAX_HS6 999999

#endif
