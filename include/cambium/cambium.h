/**
 * \file cambium.h
 * \brief Umbrella header of libcambium: include this one.
 */
#ifndef CAMBIUM_CAMBIUM_H
#define CAMBIUM_CAMBIUM_H

#include "cm_common.h"
#include "cm_error.h"
#include "cm_alloc.h"
#include "cm_version.h"
#include "cm_csv.h"
#include "cm_xlsx.h"
#include "cm_file.h"
#include "cm_kv.h"
#include "cm_json.h"
#include "cm_store.h"
#include "cm_class.h"
#include "cm_array.h"
#include "cm_concord.h"
#include "cm_units.h"
#include "cm_rng.h"
#include "cm_svg.h"
#include "cm_import.h"
#include "cm_crit.h"
#include "cm_crit_mc.h"
#include "cm_nace.h"
#include "cm_crit_be.h"
#include "cm_crit_whatif.h"
#include "cm_mrio.h"
#include "cm_supply.h"
#include "cm_geopolrisk.h"
#include "cm_dsm.h"
#include "cm_mmsa.h"
#include "cm_trade.h"
#include "cm_sankey.h"
#include "cm_mfa.h"
#include "cm_reconcile.h"
#include "cm_serve.h"
#include "cm_report.h"

#endif
